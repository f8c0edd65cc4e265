"""wsolkit: model building, export and reference evaluation for wsol-lab."""
