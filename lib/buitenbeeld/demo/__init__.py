"""The synthetic demo data: interviews, CBS figures and pilots, clearly marked synthetic."""
