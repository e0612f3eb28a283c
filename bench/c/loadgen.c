/* Echo load generator: CONNS connections on one epoll thread, each sends SIZE bytes and waits for the same SIZE
   bytes back (checked), again and again for SECONDS. Prints the number of completed requests. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct { int fd; size_t sent, recvd; } conn_t;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: loadgen PORT SIZE CONNS SECONDS\n"); return 2; }
    int port = atoi(argv[1]); size_t size = (size_t)atol(argv[2]); int nconns = atoi(argv[3]); double secs = atof(argv[4]);
    unsigned char *msg = malloc(size), *buf = malloc(size);
    for (size_t i = 0; i < size; i++) msg[i] = (unsigned char)(i * 7 + 3);
    int ep = epoll_create1(0);
    conn_t *conns = calloc(nconns, sizeof(conn_t));
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    for (int i = 0; i < nconns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); return 1; }
        int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[i].fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (unsigned)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        ssize_t n = send(fd, msg, size, 0);
        conns[i].sent = n > 0 ? (size_t)n : 0;
    }
    long requests = 0; int mismatches = 0;
    double end = now() + secs;
    struct epoll_event evs[256];
    while (now() < end) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int k = 0; k < n; k++) {
            conn_t *c = &conns[evs[k].data.u32];
            if (c->sent < size) {
                ssize_t w = send(c->fd, msg + c->sent, size - c->sent, MSG_DONTWAIT);
                if (w > 0) c->sent += (size_t)w;
            }
            ssize_t r = recv(c->fd, buf + c->recvd, size - c->recvd, MSG_DONTWAIT);
            if (r == 0) { fprintf(stderr, "server closed\n"); return 1; }
            if (r < 0) { if (errno == EAGAIN) continue; perror("recv"); return 1; }
            if (memcmp(buf + c->recvd, msg + c->recvd, (size_t)r) != 0) mismatches++;
            c->recvd += (size_t)r;
            if (c->recvd == size) {
                requests++;
                c->recvd = 0;
                ssize_t w = send(c->fd, msg, size, MSG_DONTWAIT);
                c->sent = w > 0 ? (size_t)w : 0;
            } else if (c->sent < size) {
                ssize_t w = send(c->fd, msg + c->sent, size - c->sent, MSG_DONTWAIT);
                if (w > 0) c->sent += (size_t)w;
            }
        }
    }
    printf("%ld %d\n", requests, mismatches);
    return mismatches != 0;
}
