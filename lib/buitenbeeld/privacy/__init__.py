"""Privacy by construction: the identifier gate, pseudonymisation, disclosure control, the post-render scan."""
