"""Pure functions on processed tables: sociale kaart, scoring, roles, uncertainty, comparisons, journeys, pilot metrics."""
