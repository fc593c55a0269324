"""vethlab: see how Linux networking works, simulated or on the real kernel."""
