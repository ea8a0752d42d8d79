/*
 * tslive: waiting until the kernel stamps received packets. The kernel
 * turns software timestamping on system-wide through a static key that it
 * flips from a work queue some time after the first socket asks for
 * timestamps: until then packets cross the device layer unstamped, so a
 * run's first replies would lack their receive stamp and its first probes
 * their device-tap stamp. A loopback datagram to ourselves shows when the
 * stamps are live.
 */
#ifndef VANTAGE_ENGINE_TSLIVE_H
#define VANTAGE_ENGINE_TSLIVE_H

/*
 * Wait (at most timeout_ms) until a loopback datagram arrives with a kernel
 * software timestamp. Returns 0 once one does, -1 on timeout or when the
 * loopback cannot be used (then the engine falls back as before). Call it
 * after the engine's own sockets have asked for timestamps.
 */
int tslive_wait(int timeout_ms);

#endif
