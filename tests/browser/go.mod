module pprof-tools/tests/browser

go 1.19
