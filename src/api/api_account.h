/*
 * api_account: the REST API's side of accounts. A key of a disabled
 * account is refused like a revoked one (403 in RIPE Atlas's error shape).
 */
#ifndef VANTAGE_API_API_ACCOUNT_H
#define VANTAGE_API_API_ACCOUNT_H

struct api_call;

/* 1 if the account of the call's key lets it in; else 0 after replying
   403 (a disabled account) or 500 (the store failed). */
int api_account_key_ok(struct api_call *c);

#endif
