-- The shop's schema, created by its own role (shop_app) in its own database (shop).
CREATE TABLE products (
    id    int PRIMARY KEY,
    name  text NOT NULL,
    price numeric(10, 2) NOT NULL
);

INSERT INTO products VALUES
    (1, 'kettle', 24.90),
    (2, 'teapot', 18.50);
