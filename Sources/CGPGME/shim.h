// What Swift cannot import from GPGME directly: the gpgme_check_version
// macro and the gpg-error code/source split (static inline in gpg-error.h
// but re-exported here for clarity). No pointer is allocated here.
#ifndef MELDPUNT_CGPGME_SHIM_H
#define MELDPUNT_CGPGME_SHIM_H
#include <gpgme.h>

/// Initialises GPGME once per process; returns the library version string
/// (static storage, never freed).
static inline const char *mp_gpgme_check_version(void) { return gpgme_check_version(NULL); }
static inline gpgme_err_code_t mp_gpgme_err_code(gpgme_error_t e) { return gpgme_err_code(e); }
static inline gpgme_err_source_t mp_gpgme_err_source(gpgme_error_t e) { return gpgme_err_source(e); }
/// gpgme_error_t for a code, with GPGME as the source (gpgme_error is a macro-like inline).
static inline gpgme_error_t mp_gpgme_error(gpgme_err_code_t code) { return gpgme_error(code); }
#endif
