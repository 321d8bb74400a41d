-- The application's schema, as a test's init script would create it.
CREATE TABLE orders (
    id    int PRIMARY KEY,
    note  text NOT NULL DEFAULT 'a; semicolon in a string'
);
/* a block comment; with a semicolon */
INSERT INTO orders (id) VALUES (1), (2);
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM orders;
$$;
