CREATE TABLE greeting (text text NOT NULL);
