DROP TABLE seller_logo;
