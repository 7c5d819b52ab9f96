#!/usr/bin/python3
"""A real SMTP receiver for Meldpunt's integration tests.

Started by `SMTPSink` in Sources/MeldpuntTesting. It listens on one address,
accepts every message (optionally after STARTTLS and AUTH), and stores each as

    NNNNNN.eml   the DATA bytes exactly as received (CRLF, dot-unstuffed)
    NNNNNN.json  {"mail_from": ..., "rcpt_tos": [...], "auth_user": ..., "tls": ...,
                  "client_port": ...}  (the client's port: one per connection)

Both are written to a dot-prefixed temporary name and renamed, the .eml
first, so a reader that sees NNNNNN.json can always read NNNNNN.eml.

When listening it prints "READY <host> <port>" on stdout (with --port 0 the
kernel picks the port, so there is no race for it). SIGTERM or SIGINT stops it.
Diagnostics go to stderr.

Needs Debian's python3-aiosmtpd: run it with /usr/bin/python3.
"""

import argparse
import asyncio
import hmac
import json
import logging
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0,
                        help="0 lets the kernel choose; the chosen port is printed")
    parser.add_argument("--dir", required=True,
                        help="directory that receives NNNNNN.eml and NNNNNN.json")
    parser.add_argument("--tls-cert", help="PEM certificate; enables STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--implicit-tls", action="store_true",
                        help="TLS from the first byte (smtps, port 465 style) instead of STARTTLS")
    parser.add_argument("--auth-user",
                        help="require AUTH PLAIN/LOGIN as this user")
    parser.add_argument("--auth-password-file",
                        help="file holding the password for --auth-user")
    parser.add_argument("--tempfail", type=int, default=0,
                        help="answer 451 to the first N DATA commands")
    arguments = parser.parse_args()
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if bool(arguments.auth_user) != bool(arguments.auth_password_file):
        parser.error("--auth-user and --auth-password-file go together")
    return arguments


class Store:
    """Writes accepted messages; answers 451 to the first `tempfail` DATA commands."""

    def __init__(self, directory, tempfail, offer_auth):
        self.directory = directory
        self.tempfail_left = tempfail
        self.offer_auth = offer_auth
        self.sequence = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd always advertises AUTH; without --auth-user drop the line so
        # clients do not try a login that can only fail. This hook form must
        # record the host name itself, or MAIL answers "503 send HELO first".
        session.host_name = hostname
        if self.offer_auth:
            return responses
        return [line for line in responses if not line.startswith("250-AUTH")]

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            logging.info("tempfail DATA from %s", envelope.mail_from)
            return "451 4.3.0 Temporary failure requested by the test"
        self.sequence += 1
        stem = "%06d" % self.sequence
        auth_user = None
        if isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        envelope_json = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth_user": auth_user,
            "tls": session.ssl is not None or IMPLICIT_TLS[0],
            "client_port": session.peer[1] if isinstance(session.peer, tuple) else None,
        }
        self._write(stem + ".eml", envelope.original_content)
        self._write(stem + ".json", json.dumps(envelope_json).encode("utf-8"))
        logging.info("stored %s", stem)
        return "250 2.0.0 OK stored as " + stem

    def _write(self, name, data):
        temporary = os.path.join(self.directory, ".tmp-" + name)
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, os.path.join(self.directory, name))


class Authenticator:
    """Accepts exactly one user and password; compares in constant time."""

    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        good = (hmac.compare_digest(auth_data.login, self.user)
                and hmac.compare_digest(auth_data.password, self.password))
        return AuthResult(success=good, handled=False, auth_data=auth_data)


# Set when the whole connection is TLS (aiosmtpd only fills session.ssl after STARTTLS).
IMPLICIT_TLS = [False]


async def serve(arguments):
    tls_context = None
    if arguments.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(arguments.tls_cert, arguments.tls_key)

    authenticator = None
    if arguments.auth_user:
        with open(arguments.auth_password_file, encoding="utf-8") as file:
            password = file.read().rstrip("\r\n")
        authenticator = Authenticator(arguments.auth_user, password)

    store = Store(arguments.dir, arguments.tempfail, authenticator is not None)

    implicit = arguments.implicit_tls and tls_context is not None
    IMPLICIT_TLS[0] = implicit

    def make_protocol():
        return SMTP(
            store,
            hostname="smtp-sink.test",  # socket.getfqdn() may wait on DNS
            enable_SMTPUTF8=True,
            tls_context=None if implicit else tls_context,
            require_starttls=tls_context is not None and not implicit,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            # With STARTTLS on, AUTH is only offered after it (RFC 4954 §4); implicit TLS is TLS already.
            auth_require_tls=tls_context is not None and not implicit,
        )

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    # A parent may spawn us with SIGTERM blocked (posix_spawn copies the
    # spawning thread's mask); unblock it or we could never be stopped.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    server = await loop.create_server(make_protocol, arguments.host, arguments.port,
                                      ssl=tls_context if implicit else None)
    host, port = server.sockets[0].getsockname()[:2]
    print("READY %s %d" % (host, port), flush=True)
    logging.info("listening on %s:%d", host, port)
    await stop.wait()
    server.close()
    await server.wait_closed()
    logging.info("stopped")


def main():
    arguments = parse_arguments()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.makedirs(arguments.dir, exist_ok=True)
    asyncio.run(serve(arguments))


if __name__ == "__main__":
    main()
