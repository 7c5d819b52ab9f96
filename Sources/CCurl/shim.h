// Typed wrappers for libcurl's variadic functions, which Swift cannot call.
// Nothing here allocates: every pointer passed in stays owned by the caller
// (the Swift `CurlEasy` object), which must keep it alive for the transfer.
#ifndef MELDPUNT_CCURL_SHIM_H
#define MELDPUNT_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode mp_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mp_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mp_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mp_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode mp_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*mp_curl_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode mp_curl_setopt_io(CURL *h, CURLoption o, mp_curl_io_callback f) { return curl_easy_setopt(h, o, f); }

static inline CURLcode mp_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
#endif
