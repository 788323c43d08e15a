DROP TABLE organization_images;
