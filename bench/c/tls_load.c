/* TLS echo load generator (OpenSSL): C connections, each sends SIZE bytes over TLS and waits for all of them
   back (checked byte for byte), for SECONDS after a warm-up (WARMUP seconds, default 3: a .NET server is still
   compiling its handshake code during the first seconds); prints "measuring" when the measured time starts (the
   server's CPU is read over that window only, its JIT warm-up left out), then "<requests> <seconds>".
   With CONNECTIONS = "handshake" it instead does full handshakes (no session reuse) one after another, with the
   same warm-up; prints "measuring", then "<handshakes> <seconds>".
   The sockets stay blocking: epoll says which connection has bytes, SSL_read then takes whole records.
   Usage: tls_load PORT CONNECTIONS SIZE SECONDS | tls_load PORT handshake SECONDS */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn { int fd; SSL *ssl; size_t recvd; unsigned seq; };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static SSL *connect_tls(SSL_CTX *ctx, int port, int *fdp) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) { perror("connect"); exit(1); }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) { ERR_print_errors_fp(stderr); exit(1); }
    *fdp = fd;
    return ssl;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: tls_load PORT CONNECTIONS SIZE SECONDS | tls_load PORT handshake SECONDS\n"); return 2; }
    int port = atoi(argv[1]);
    double warmup = getenv("WARMUP") ? atof(getenv("WARMUP")) : 3.0;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (strcmp(argv[2], "handshake") == 0) {
        double seconds = atof(argv[3]), warm = now() + warmup, end = warm + seconds;
        long n = 0;
        int measuring = 0;
        for (double t = now(); t < end; t = now()) {
            if (!measuring && t >= warm) { measuring = 1; n = 0; printf("measuring\n"); fflush(stdout); }
            int fd;
            SSL *ssl = connect_tls(ctx, port, &fd);
            SSL_shutdown(ssl);
            SSL_free(ssl);
            close(fd);
            n++;
        }
        printf("%ld %.3f\n", n, now() - warm);
        return 0;
    }
    int nc = atoi(argv[2]);
    size_t size = (size_t)atol(argv[3]);
    double seconds = atof(argv[4]);
    /* Request n of a connection is bytes (n + k) & 0xff: a window into one pattern buffer, so the generator
       neither fills nor checks byte by byte (memcmp) and spends its CPU on TLS, not on the data. */
    char *pattern = malloc(size + 256), *in = malloc(size);
    for (size_t k = 0; k < size + 256; k++) pattern[k] = (char)k;
    struct conn *cs = calloc(nc, sizeof *cs);
    int ep = epoll_create1(0);
    for (int i = 0; i < nc; i++) {
        cs[i].ssl = connect_tls(ctx, port, &cs[i].fd);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    for (int i = 0; i < nc; i++) {
        if (SSL_write(cs[i].ssl, pattern, (int)size) != (int)size) { ERR_print_errors_fp(stderr); return 1; }
    }
    long requests = 0;
    double start = now(), warm = start + warmup, end = warm + seconds;
    int measuring = 0;
    struct epoll_event evs[256];
    for (;;) {
        double t = now();
        if (!measuring && t >= warm) { measuring = 1; requests = 0; printf("measuring\n"); fflush(stdout); }
        if (t >= end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < n; e++) {
            struct conn *c = &cs[evs[e].data.u32];
            do {
                int r = SSL_read(c->ssl, in, (int)(size - c->recvd));
                if (r <= 0) { fprintf(stderr, "connection closed by server\n"); ERR_print_errors_fp(stderr); return 1; }
                if (memcmp(in, pattern + ((c->seq + c->recvd) & 0xff), (size_t)r)) { fprintf(stderr, "bad byte\n"); return 1; }
                c->recvd += r;
                if (c->recvd == size) {
                    requests++;
                    c->recvd = 0;
                    c->seq++;
                    if (SSL_write(c->ssl, pattern + (c->seq & 0xff), (int)size) != (int)size) { ERR_print_errors_fp(stderr); return 1; }
                }
            } while (SSL_pending(c->ssl) > 0);
        }
    }
    printf("%ld %.3f\n", requests, now() - warm);
    return 0;
}
