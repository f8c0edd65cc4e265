"""Training stages for the toy-world pack: one command per stage, resumable, seeded, CPU-timed."""
