"""What a reader sees: charts, maps, the report, rendering on warm kernels, PDF, the index, training material."""
