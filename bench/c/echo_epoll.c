/* The ceiling: a minimal single-threaded level-triggered epoll echo server. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct { char *pend; size_t len; } out_t;
static out_t outs[65536];

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 128)) { perror("bind"); return 1; }
    socklen_t al = sizeof a; getsockname(ls, (struct sockaddr *)&a, &al);
    printf("%d\n", ntohs(a.sin_port)); fflush(stdout);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = ls };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static char buf[262144];
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int k = 0; k < n; k++) {
            int fd = evs[k].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event e = { .events = EPOLLIN, .data.fd = c };
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
                }
                continue;
            }
            out_t *o = &outs[fd];
            if ((evs[k].events & EPOLLOUT) && o->len) {
                ssize_t w = send(fd, o->pend, o->len, 0);
                if (w > 0) { memmove(o->pend, o->pend + w, o->len - (size_t)w); o->len -= (size_t)w; }
                if (!o->len) { struct epoll_event e = { .events = EPOLLIN, .data.fd = fd }; epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e); }
            }
            if (!(evs[k].events & EPOLLIN)) continue;
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r == 0 || (r < 0 && errno != EAGAIN)) { close(fd); o->len = 0; continue; }
            if (r < 0) continue;
            size_t off = 0;
            if (!o->len) { ssize_t w = send(fd, buf, (size_t)r, 0); off = w > 0 ? (size_t)w : 0; }
            if (off < (size_t)r) {
                o->pend = realloc(o->pend, o->len + (size_t)r - off);
                memcpy(o->pend + o->len, buf + off, (size_t)r - off); o->len += (size_t)r - off;
                struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.fd = fd }; epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
            }
        }
    }
}
