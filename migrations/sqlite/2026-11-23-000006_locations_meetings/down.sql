DROP TABLE meetings;
DROP TABLE locations;
