/* Echo load generator: C connections, each sends SIZE bytes and waits for all of them back (checked
   byte for byte), for SECONDS after a 0.5 s warm-up. Prints "measuring" when the measured time starts, then
   "<requests> <seconds>" (requests completed in the measured time).
   Usage: load PORT CONNECTIONS SIZE SECONDS */
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

struct conn { int fd; size_t sent, recvd; unsigned seq; };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: load PORT CONNECTIONS SIZE SECONDS\n"); return 2; }
    int port = atoi(argv[1]), nc = atoi(argv[2]);
    size_t size = (size_t)atol(argv[3]);
    double seconds = atof(argv[4]);
    /* Request n of a connection is bytes (n + k) & 0xff: a window into one pattern buffer, so the generator
       neither fills nor checks byte by byte (memcmp) and spends its CPU on the sockets, not on the data. */
    char *pattern = malloc(size + 256), *in = malloc(size);
    for (size_t k = 0; k < size + 256; k++) pattern[k] = (char)k;
    struct conn *cs = calloc(nc, sizeof *cs);
    int ep = epoll_create1(0), one = 1;
    for (int i = 0; i < nc; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (connect(fd, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        cs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    for (int i = 0; i < nc; i++) {
        if (send(cs[i].fd, pattern, size, 0) != (ssize_t)size) { perror("send"); return 1; }
    }
    long requests = 0;
    double start = now(), warm = start + 0.5, end = warm + seconds;
    int measuring = 0;
    struct epoll_event evs[256];
    for (;;) {
        double t = now();
        if (!measuring && t >= warm) {
            /* Tells bench/run.py to start reading the server's CPU time: warm-up is left out for every server. */
            measuring = 1; requests = 0;
            printf("measuring\n");
            fflush(stdout);
        }
        if (t >= end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < n; e++) {
            struct conn *c = &cs[evs[e].data.u32];
            ssize_t r = recv(c->fd, in, size - c->recvd, 0);
            if (r <= 0) { fprintf(stderr, "connection closed by server\n"); return 1; }
            if (memcmp(in, pattern + ((c->seq + c->recvd) & 0xff), (size_t)r)) { fprintf(stderr, "bad byte\n"); return 1; }
            c->recvd += r;
            if (c->recvd == size) {
                requests++;
                c->recvd = 0;
                c->seq++;
                if (send(c->fd, pattern + (c->seq & 0xff), size, 0) != (ssize_t)size) { perror("send"); return 1; }
            }
        }
    }
    printf("%ld %.3f\n", requests, now() - warm);
    return 0;
}
