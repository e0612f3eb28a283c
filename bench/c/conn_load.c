/* Connection-rate load generator: one connection after another (connect, send 1 byte, read it back, close), for
   SECONDS after a 2 s warm-up; prints "measuring" when the measured time starts (the server's CPU is read over that
   window only), then "<connections> <seconds>". Usage: conn_load PORT SECONDS */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: conn_load PORT SECONDS\n"); return 2; }
    int port = atoi(argv[1]); double secs = atof(argv[2]);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    double warm = now() + 2, end = warm + secs; long n = 0; int measuring = 0;
    char b[16];
    for (double t = now(); t < end; t = now()) {
        if (!measuring && t >= warm) { measuring = 1; n = 0; printf("measuring\n"); fflush(stdout); }
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (connect(fd, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        write(fd, "x", 1);
        if (read(fd, b, 1) != 1) { fprintf(stderr, "short\n"); return 1; }
        close(fd);
        n++;
    }
    printf("%ld %.3f\n", n, now() - warm);
    return 0;
}
