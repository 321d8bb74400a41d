-- FlywayMigrationTest: the first migration, run by the application's role on the primary
CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());
