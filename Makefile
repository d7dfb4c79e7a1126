# Rivet — build, run, test, benchmark. `make help` lists the targets.
GO       ?= go
BIN      := bin/rivet
PEOPLE   ?= 2000
SEED     ?= 42
FUZZTIME ?= 30s
export CGO_ENABLED := 0

.PHONY: help build demo test test-go test-sdk vet fuzz bench bench-go bench-ingest clean

help:
	@echo "make demo          build and run rivet serve with demo data (PEOPLE=$(PEOPLE) SEED=$(SEED))"
	@echo "make test          every test: go vet, go test -race, the Node SDK test"
	@echo "make bench         Go benchmarks and the ingestion benchmark"
	@echo "make bench-ingest  durable ingestion load test against the machine's limit"
	@echo "make fuzz          run each fuzz target for FUZZTIME ($(FUZZTIME))"

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/rivet

demo: build
	./$(BIN) demo --people $(PEOPLE) --seed $(SEED)

test: vet test-go test-sdk

vet:
	$(GO) vet ./...

# The race detector needs cgo; the binary itself is always built without it.
test-go:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...

test-sdk: build
	npm ci --prefix test/sdk --no-audit --no-fund
	RIVET_BIN=$(CURDIR)/$(BIN) node --test test/sdk/

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBatch$$' -fuzztime $(FUZZTIME) ./internal/ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeSingle$$' -fuzztime $(FUZZTIME) ./internal/ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzRecordDecode$$' -fuzztime $(FUZZTIME) ./internal/eventlog/

bench: bench-go bench-ingest

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/... | tee bench-go.txt

bench-ingest:
	bash bench/ingest/run.sh

clean:
	rm -rf bin rivet-data bench-go.txt
