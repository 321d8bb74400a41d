-- FlywayMigrationTest: the second migration
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
INSERT INTO orders (id) VALUES (1);
