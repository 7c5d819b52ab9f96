// meldpunt-gpgme: the gateway's hot GPGME operations (decrypt, verify, sign, encrypt
// and sign) in a small process of its own.
//
// Why a process: GPGME 1.18 starts every gpg with fork() twice (an intermediate child
// against zombies). Forked from the gateway, a multi-threaded process with some fifty
// libraries, each gpg cost about a third of the gateway's CPU: copying its page tables
// twice, tearing them down twice, and the copy-on-write faults afterwards
// (BENCHMARKS.md, fourth round). Forked from this program, that cost is small.
//
// It holds no state but one remembered signing key, never writes to a file, and exits
// at the end of its input. Nothing it reads is logged.
//
// Protocol on stdin/stdout; every number is a 32-bit little-endian unsigned integer.
//   greeting: once, at start: its length and "meldpunt-gpgme 1" (the protocol version), so
//             that a host from another build is refused instead of misread.
//   request:  field count, each field as (length, bytes); then the payload length and
//             the payload, which is streamed to gpg as the operation's main input.
//             Fields: op, passphrase ("" for none), key-home stamp, then the op's own:
//               decrypt          limit (decimal)                 payload: ciphertext
//               verify-detached  signature                       payload: signed bytes
//               verify-inline    -                               payload: message
//               sign             signer fingerprint, mode        payload: data
//                                ("detach" or "clear")
//               encrypt-sign     signer fingerprint, recipients  payload: data
//                                (fingerprints, one per line)
//   response: the output as chunks (length, bytes), a zero length ends them; then a
//             field count and fields: error (gpgme_error_t, decimal), output exceeded
//             the limit ("1"/"0"), no MDC, is MIME, file name, symmetric algorithm,
//             recipient statuses (decimal, space-separated), signing hash, signing key,
//             signature count, and per signature: fingerprint, status, summary, hash,
//             public-key algorithm, timestamp. Optional strings are "" when absent and
//             "=" followed by the value when present.
#define _GNU_SOURCE
#include <errno.h>
#include <gpgme.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GREETING "meldpunt-gpgme 1"
#define MAX_FIELDS 8
#define MAX_FIELD_BYTES (1u << 26)

struct field {
  char *bytes;
  uint32_t length;
};

// A protocol failure ends the process: the gateway sees the pipe close and starts a new one.
static void fail(const char *what) {
  fprintf(stderr, "meldpunt-gpgme: %s\n", what);
  exit(2);
}

static int read_exactly(void *buffer, size_t length) {
  char *at = buffer;
  while (length > 0) {
    ssize_t got = read(0, at, length);
    if (got == 0) return 0;
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("cannot read the request");
    }
    at += got;
    length -= (size_t)got;
  }
  return 1;
}

static void write_exactly(const void *buffer, size_t length) {
  const char *at = buffer;
  while (length > 0) {
    ssize_t put = write(1, at, length);
    if (put < 0) {
      if (errno == EINTR) continue;
      fail("cannot write the answer");
    }
    at += put;
    length -= (size_t)put;
  }
}

static uint32_t read_number(void) {
  unsigned char bytes[4];
  if (!read_exactly(bytes, 4)) fail("request ended early");
  return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

static void write_number(uint32_t value) {
  unsigned char bytes[4] = {value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >> 24) & 0xff};
  write_exactly(bytes, 4);
}

// ---- the answer's fields, collected while the operation runs --------------------------

static char *answer[64 + 6 * 64];
static uint32_t answer_count;

static void add(const char *text) {
  if (answer_count >= sizeof answer / sizeof *answer) return;
  answer[answer_count++] = strdup(text ? text : "");
}

static void add_optional(const char *text) {
  if (!text) {
    add("");
    return;
  }
  char *marked = malloc(strlen(text) + 2);
  if (!marked) fail("out of memory");
  marked[0] = '=';
  strcpy(marked + 1, text);
  add(marked);
  free(marked);
}

static void add_number(unsigned long long value) {
  char text[32];
  snprintf(text, sizeof text, "%llu", value);
  add(text);
}

static void send_answer(void) {
  write_number(0);  // end of output
  write_number(answer_count);
  for (uint32_t i = 0; i < answer_count; i++) {
    uint32_t length = (uint32_t)strlen(answer[i]);
    write_number(length);
    write_exactly(answer[i], length);
    free(answer[i]);
  }
  answer_count = 0;
}

// ---- payload in, output out ----------------------------------------------------------

static uint32_t payload_left;

static ssize_t payload_read(void *hook, void *buffer, size_t size) {
  (void)hook;
  if (payload_left == 0) return 0;
  size_t want = size < payload_left ? size : payload_left;
  ssize_t got;
  do got = read(0, buffer, want);
  while (got < 0 && errno == EINTR);
  if (got <= 0) fail("payload ended early");
  payload_left -= (uint32_t)got;
  return got;
}

// Whatever gpg did not read is still in the pipe, before the next request.
static void drain_payload(void) {
  char buffer[65536];
  while (payload_left > 0) payload_read(NULL, buffer, sizeof buffer);
}

static uint64_t output_limit;
static uint64_t output_written;
static int output_exceeded;

static ssize_t output_write(void *hook, const void *buffer, size_t size) {
  (void)hook;
  if (output_written + size > output_limit) {
    output_exceeded = 1;
    errno = EFBIG;
    return -1;
  }
  output_written += size;
  if (size > 0) {
    write_number((uint32_t)size);
    write_exactly(buffer, size);
  }
  return (ssize_t)size;
}

// ---- passphrase and the remembered signing key ---------------------------------------

static char *passphrase;

static gpgme_error_t passphrase_cb(void *hook, const char *uid_hint, const char *info, int previous_was_bad, int fd) {
  (void)hook, (void)uid_hint, (void)info;
  if (previous_was_bad) return gpgme_error(GPG_ERR_BAD_PASSPHRASE);
  size_t length = strlen(passphrase);
  if (gpgme_io_writen(fd, passphrase, length) != 0 || gpgme_io_writen(fd, "\n", 1) != 0) {
    return gpgme_error(GPG_ERR_CANCELED);
  }
  return 0;
}

// One signing key, listed once (a listing is a gpg process) and kept until the key home
// changes on disk: the gateway sends its stamp of the home with every request.
static gpgme_key_t signing_key;
static char *signing_fingerprint;
static char *signing_stamp;

static gpgme_error_t signer(gpgme_ctx_t ctx, const char *fingerprint, const char *stamp, gpgme_key_t *key) {
  if (signing_key && strcmp(signing_fingerprint, fingerprint) == 0 && strcmp(signing_stamp, stamp) == 0) {
    *key = signing_key;
    return 0;
  }
  if (signing_key) gpgme_key_unref(signing_key);
  free(signing_fingerprint);
  free(signing_stamp);
  signing_key = NULL;
  signing_fingerprint = NULL;
  signing_stamp = NULL;
  gpgme_error_t error = gpgme_get_key(ctx, fingerprint, &signing_key, 1);
  if (error) return error;
  signing_fingerprint = strdup(fingerprint);
  signing_stamp = strdup(stamp);
  *key = signing_key;
  return 0;
}

// ---- results -------------------------------------------------------------------------

static void add_decrypt_result(gpgme_ctx_t ctx) {
  gpgme_decrypt_result_t result = gpgme_op_decrypt_result(ctx);
  add(result && result->legacy_cipher_nomdc ? "1" : "0");
  add(result && result->is_mime ? "1" : "0");
  add_optional(result ? result->file_name : NULL);
  add_optional(result ? result->symkey_algo : NULL);
  char statuses[1024] = "";
  size_t used = 0;
  for (gpgme_recipient_t r = result ? result->recipients : NULL; r && used < sizeof statuses - 16; r = r->next) {
    used += (size_t)snprintf(statuses + used, sizeof statuses - used, used ? " %u" : "%u", (unsigned)r->status);
  }
  add(statuses);
}

static void add_no_decrypt_result(void) {
  add("0"), add("0"), add(""), add(""), add("");
}

static void add_sign_result(gpgme_ctx_t ctx) {
  gpgme_sign_result_t result = gpgme_op_sign_result(ctx);
  gpgme_new_signature_t made = result ? result->signatures : NULL;
  add_optional(made ? gpgme_hash_algo_name(made->hash_algo) : NULL);
  add_optional(made ? made->fpr : NULL);
}

static void add_signatures(gpgme_ctx_t ctx, int verified) {
  gpgme_verify_result_t result = verified ? gpgme_op_verify_result(ctx) : NULL;
  uint32_t count = 0;
  for (gpgme_signature_t s = result ? result->signatures : NULL; s && count < 64; s = s->next) count++;
  add_number(count);
  gpgme_signature_t s = result ? result->signatures : NULL;
  for (uint32_t i = 0; i < count; i++, s = s->next) {
    add_optional(s->fpr);
    add_number(s->status);
    add_number(s->summary);
    const char *hash = gpgme_hash_algo_name(s->hash_algo);
    const char *algorithm = gpgme_pubkey_algo_name(s->pubkey_algo);
    add(hash ? hash : "unknown");
    add(algorithm ? algorithm : "unknown");
    add_number(s->timestamp);
  }
}

// ---- one request ---------------------------------------------------------------------

static int field_is(const struct field *f, const char *text) {
  return f->length == strlen(text) && memcmp(f->bytes, text, f->length) == 0;
}

static void serve(struct field *fields, uint32_t count) {
  if (count < 3) fail("request without op, passphrase and stamp");
  const struct field *op = &fields[0];
  passphrase = strndup(fields[1].bytes, fields[1].length);
  char *stamp = strndup(fields[2].bytes, fields[2].length);
  output_limit = UINT64_MAX;
  output_written = 0;
  output_exceeded = 0;

  gpgme_ctx_t ctx = NULL;
  gpgme_data_t input = NULL, output = NULL, extra = NULL;
  struct gpgme_data_cbs in_cbs = {payload_read, NULL, NULL, NULL};
  struct gpgme_data_cbs out_cbs = {NULL, output_write, NULL, NULL};
  gpgme_error_t error = gpgme_new(&ctx);
  if (!error) error = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
  if (!error) {
    gpgme_set_offline(ctx, 1);
    if (passphrase[0]) {
      error = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
      gpgme_set_passphrase_cb(ctx, passphrase_cb, NULL);
    }
  }
  if (!error) error = gpgme_data_new_from_cbs(&input, &in_cbs, NULL);
  if (!error) error = gpgme_data_new_from_cbs(&output, &out_cbs, NULL);

  int verified = 0, decrypted = 0, signed_ = 0;
  if (error) {
    // nothing ran
  } else if (field_is(op, "decrypt") && count == 4) {
    char *limit = strndup(fields[3].bytes, fields[3].length);
    output_limit = strtoull(limit, NULL, 10);
    free(limit);
    error = gpgme_op_decrypt_verify(ctx, input, output);
    verified = decrypted = 1;
  } else if (field_is(op, "verify-detached") && count == 4) {
    error = gpgme_data_new_from_mem(&extra, fields[3].bytes, fields[3].length, 0);
    if (!error) error = gpgme_op_verify(ctx, extra, input, NULL);
    verified = 1;
  } else if (field_is(op, "verify-inline") && count == 3) {
    error = gpgme_op_verify(ctx, input, NULL, output);
    verified = 1;
  } else if ((field_is(op, "sign") && count == 5) || (field_is(op, "encrypt-sign") && count == 5)) {
    char *fingerprint = strndup(fields[3].bytes, fields[3].length);
    gpgme_key_t key = NULL;
    error = signer(ctx, fingerprint, stamp, &key);
    free(fingerprint);
    if (error) {
      error = gpgme_error(GPG_ERR_UNUSABLE_SECKEY);
    } else {
      gpgme_signers_clear(ctx);
      error = gpgme_signers_add(ctx, key);
    }
    gpgme_set_armor(ctx, 1);
    gpgme_set_textmode(ctx, 0);
    if (!error && field_is(op, "sign")) {
      gpgme_sig_mode_t mode = field_is(&fields[4], "clear") ? GPGME_SIG_MODE_CLEAR : GPGME_SIG_MODE_DETACH;
      error = gpgme_op_sign(ctx, input, output, mode);
      signed_ = 1;
    } else if (!error) {
      char *recipients = strndup(fields[4].bytes, fields[4].length);
      error = gpgme_op_encrypt_sign_ext(ctx, NULL, recipients, GPGME_ENCRYPT_ALWAYS_TRUST, input, output);
      free(recipients);
    }
  } else {
    fail("unknown request");
  }
  drain_payload();

  add_number(error);
  add(output_exceeded ? "1" : "0");
  if (decrypted) add_decrypt_result(ctx);
  else add_no_decrypt_result();
  if (signed_) add_sign_result(ctx);
  else add(""), add("");
  add_signatures(ctx, verified);
  send_answer();

  gpgme_data_release(extra);
  gpgme_data_release(output);
  gpgme_data_release(input);
  gpgme_release(ctx);
  free(stamp);
  memset(passphrase, 0, strlen(passphrase));
  free(passphrase);
  passphrase = NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: meldpunt-gpgme KEY-HOME (started by meldpunt; requests on stdin)\n");
    return 64;
  }
  // Only the two pipes are ours; whatever else the gateway had open stays with it.
  closefrom(3);
  // The gateway closing its end mid-answer must end this process quietly, not kill it
  // with a signal in the middle of a write.
  signal(SIGPIPE, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (!gpgme_check_version(NULL)) fail("GPGME cannot start");
  if (gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, NULL, argv[1])) fail("GPGME does not accept the key home");
  write_number((uint32_t)strlen(GREETING));
  write_exactly(GREETING, strlen(GREETING));

  for (;;) {
    unsigned char first[4];
    if (!read_exactly(first, 4)) return 0;  // the gateway is done
    uint32_t count = (uint32_t)first[0] | (uint32_t)first[1] << 8 | (uint32_t)first[2] << 16 | (uint32_t)first[3] << 24;
    if (count > MAX_FIELDS) fail("too many fields");
    struct field fields[MAX_FIELDS] = {0};
    for (uint32_t i = 0; i < count; i++) {
      fields[i].length = read_number();
      if (fields[i].length > MAX_FIELD_BYTES) fail("field too large");
      fields[i].bytes = malloc(fields[i].length + 1);
      if (!fields[i].bytes) fail("out of memory");
      if (fields[i].length && !read_exactly(fields[i].bytes, fields[i].length)) fail("request ended early");
    }
    payload_left = read_number();
    serve(fields, count);
    for (uint32_t i = 0; i < count; i++) {
      // The passphrase field is wiped before it is freed.
      memset(fields[i].bytes, 0, fields[i].length);
      free(fields[i].bytes);
    }
  }
}
