DELETE FROM job_runs WHERE name = 'subscriptions';
DROP TABLE subscription_charges;
DROP TABLE subscriptions;
DROP TABLE plan_addons;
DROP TABLE plans;
