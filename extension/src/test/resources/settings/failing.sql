-- fails on line 5: the table it copies from does not exist
CREATE TABLE orders (id int PRIMARY KEY);

INSERT INTO orders (id)
    SELECT id FROM missing;
