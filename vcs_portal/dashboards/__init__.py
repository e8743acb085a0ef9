"""Manager dashboards, performance measures and national-scale seeding and benchmarking."""
