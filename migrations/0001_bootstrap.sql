-- Up Migration
create table if not exists schema_bootstrap (id int primary key);
-- Down Migration
drop table if exists schema_bootstrap;
