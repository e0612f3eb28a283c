#define _GNU_SOURCE
/* The ceiling for the TLS echo benchmark: a minimal single-threaded epoll TLS echo server on OpenSSL (non-blocking
   SSL_accept/SSL_read/SSL_write on the socket, the bytes read written back at once; a write that cannot finish
   waits for EPOLLOUT with reading paused). Usage: tls_echo_server PORT CERT KEY. Prints "ready" once listening. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (256 * 1024)

struct conn { int fd; SSL *ssl; int handshaken; char *pending; int pending_len; };

static int ep;
static char buf[BUF];

static void drop(struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    SSL_free(c->ssl);
    close(c->fd);
    free(c->pending);
    free(c);
}

static void watch(struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is pending; 1 when all of it went out, 0 when the socket is full, -1 on an error. */
static int flush(struct conn *c) {
    while (c->pending_len > 0) {
        int w = SSL_write(c->ssl, c->pending, c->pending_len);
        if (w <= 0) return SSL_get_error(c->ssl, w) == SSL_ERROR_WANT_WRITE ? 0 : -1;
        memmove(c->pending, c->pending + w, (size_t)(c->pending_len - w));
        c->pending_len -= w;
    }
    return 1;
}

static void serve(struct conn *c) {
    if (!c->handshaken) {
        int r = SSL_accept(c->ssl);
        if (r <= 0) {
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) drop(c);
            return;
        }
        c->handshaken = 1;
    }
    int f = flush(c);
    if (f < 0) { drop(c); return; }
    if (f == 0) { watch(c, EPOLLOUT); return; }
    for (;;) {
        int r = SSL_read(c->ssl, buf, BUF);
        if (r <= 0) {
            if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) drop(c);
            else watch(c, EPOLLIN);
            return;
        }
        c->pending = realloc(c->pending, (size_t)r);
        memcpy(c->pending, buf, (size_t)r);
        c->pending_len = r;
        f = flush(c);
        if (f < 0) { drop(c); return; }
        if (f == 0) { watch(c, EPOLLOUT); return; }
    }
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: tls_echo_server PORT CERT KEY\n"); return 2; }
    signal(SIGPIPE, SIG_IGN); /* a peer gone mid-write is an error return, not the end of the server */
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1 || SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) || listen(ls, 1024)) { perror("listen"); return 1; }
    ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
    printf("ready\n");
    fflush(stdout);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c != NULL) { serve(c); continue; }
            int fd;
            while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c = calloc(1, sizeof *c);
                c->fd = fd;
                c->ssl = SSL_new(ctx);
                SSL_set_fd(c->ssl, fd);
                struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
            }
        }
    }
}
