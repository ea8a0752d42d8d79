/*
 * tslive: a UDP socket on 127.0.0.1 that sends to itself with software
 * receive timestamps on, until a datagram comes back stamped (see tslive.h).
 */
#include "engine/tslive.h"
#include "engine/rawsock.h"

#include <arpa/inet.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A socket bound to 127.0.0.1 and connected to itself, stamping receives. */
static int self_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int f = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &f, sizeof f) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* True when the datagram waiting on fd (within wait_ms) carries a stamp. */
static bool came_back_stamped(int fd, int wait_ms)
{
	char data[8], ctrl[256];
	struct iovec iov = { data, sizeof data };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof ctrl };
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, wait_ms) <= 0 || recvmsg(fd, &msg, 0) < 0)
		return false;
	return rawsock_msg_stamp(&msg) != 0;
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See tslive.h. */
int tslive_wait(int timeout_ms)
{
	int fd = self_socket();
	if (fd < 0)
		return -1;
	long long end = now_ms() + timeout_ms;
	int rc = -1;
	do {
		if (send(fd, "t", 1, 0) != 1)
			break;
		if (came_back_stamped(fd, 5)) {
			rc = 0;
			break;
		}
		usleep(1000);
	} while (now_ms() < end);
	close(fd);
	return rc;
}
