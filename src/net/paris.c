/*
 * paris: ones'-complement arithmetic to pin a transport checksum to a chosen
 * value (RFC 1624 incremental update, run backwards), for Paris traceroute.
 */
#include "net/paris.h"

#include <stdbool.h>

#include "net/bytes.h"
#include "net/err.h"

/* The ones'-complement sum of two 16-bit values. */
static uint16_t add1c(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* The word to write in place of old so the checksum goes from cur to want. */
uint16_t net_paris_fix_word(uint16_t cur, uint16_t want, uint16_t old)
{
	/* sum without the old word: ~cur - old; the new word: ~want - that */
	uint16_t without = add1c((uint16_t)~cur, (uint16_t)~old);
	return add1c((uint16_t)~want, (uint16_t)~without);
}

/* Rewrite l4[word_off..+2) so the checksum at l4[cksum_off] becomes want. */
int net_paris_set_cksum(uint8_t *l4, size_t l4len, size_t cksum_off,
                        size_t word_off, uint16_t want)
{
	if (cksum_off % 2 != 0 || word_off % 2 != 0 || cksum_off + 2 > l4len ||
	    word_off + 2 > l4len || word_off == cksum_off)
		return NET_EARG;
	uint16_t cur = get16(l4 + cksum_off);
	uint16_t old = get16(l4 + word_off);
	put16(l4 + word_off, net_paris_fix_word(cur, want, old));
	put16(l4 + cksum_off, want);
	return 0;
}

/* A non-zero checksum value standing for probe number id. */
uint16_t net_paris_udp_cksum_for(uint16_t id)
{
	uint16_t v = (uint16_t)(id + 1);
	return v == 0 ? 1 : v;
}
