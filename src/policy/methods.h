/*
 * methods: the one mapping between the two vocabularies of method names.
 * An agent's config (`methods ping,traceroute`) and a definition's "type"
 * name measurement types; the engine's per-packet check (aup_check) is asked
 * about packet methods, the names `vantage ping --method` and `vantage trace
 * --method` take:
 *
 *   ping        icmp-echo, udp, tcp-syn, tcp-ack
 *   traceroute  udp, udp-paris, icmp, icmp-paris, tcp-ack, tcp-syn
 *               ("trace" is accepted as another name of traceroute)
 *
 * A site that allows a type allows every packet method of it; any other name
 * in a site's list is taken as a packet method itself ("methods icmp-echo"
 * allows only ICMP echo pings). The test test_policy_methods checks this
 * table against the measurement types' own method names.
 */
#ifndef VANTAGE_POLICY_METHODS_H
#define VANTAGE_POLICY_METHODS_H

#include <stddef.h>

/* The packet methods of measurement type `type` (NULL-terminated), or NULL
   when type names no measurement type. */
const char *const *policy_type_methods(const char *type);

/*
 * Expand a comma- or space-separated list of types and packet methods into
 * the comma-separated list of packet methods it allows, each once, in out.
 * Returns 0, or -1 when out (len bytes) is too small.
 */
int policy_methods_expand(const char *list, char *out, size_t len);

#endif
