# The two commands a new user needs: `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps build demo test clean bench fuzz

deps:
	@sh scripts/install-deps.sh

build: deps
	$(SWIFT) build --product meldpunt
	$(SWIFT) build --product meldpunt-gpgme

# Starts a throwaway Dovecot and SMTP receiver, makes demo keys and three sample
# reports, runs `meldpunt process --once`, shows the cases and acknowledgements, stops everything.
demo: deps
	$(SWIFT) build --product meldpunt
	$(SWIFT) build --product meldpunt-gpgme
	$(SWIFT) build --product meldpunt-demo
	$(SWIFT) run --skip-build meldpunt-demo --meldpunt $$($(SWIFT) build --show-bin-path)/meldpunt

# Unit tests and integration tests against real Dovecot, SMTP and gpg.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build

# Speed and memory against the floor (gpg and curl on the same mails); see BENCHMARKS.md.
bench: deps
	$(SWIFT) build -c release --product meldpunt
	$(SWIFT) build -c release --product meldpunt-gpgme
	$(SWIFT) build -c release --product meldpunt-bench
	$(SWIFT) run -c release --skip-build meldpunt-bench --meldpunt $$($(SWIFT) build -c release --show-bin-path)/meldpunt $(BENCH_ARGS)

# Bounded libFuzzer runs of the parsers (FUZZ_SECONDS each, default 60).
fuzz: deps
	sh scripts/fuzz.sh
