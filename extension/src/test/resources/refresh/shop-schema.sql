-- the declared state of the refresh tests: what a refresh must bring back, row for row
CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL);
INSERT INTO orders VALUES (1, 'tea'), (2, 'scones');
CREATE SEQUENCE order_numbers;
SELECT nextval('order_numbers');
