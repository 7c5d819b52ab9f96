// The benchmark is being written; see BENCHMARKS.md once it lands.
print("meldpunt-bench: not implemented yet")
