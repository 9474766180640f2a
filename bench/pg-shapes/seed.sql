-- Fills every shape with :n queued jobs of the benchmark's payload size, then vacuums and analyzes.
TRUNCATE xa.jobs; TRUNCATE xb.jobs; TRUNCATE xb.live; TRUNCATE xg.jobs;
INSERT INTO xa.jobs (queue,name,payload,state,run_at,max_attempts,backoff,created_at,history,updated_at,order_key)
 SELECT 'default','noop','{"i":'||g||',"t":1764180000000}','queued',1764180000000,3,'{"type":"exponential","delay":1000}',1764180000000,'1764180000000'||E'\t\tqueued\t0\t',1764180000000,g FROM generate_series(1,:n) g;
INSERT INTO xb.jobs OVERRIDING SYSTEM VALUE SELECT * FROM xa.jobs;
INSERT INTO xb.live (id,queue,state,order_key,run_at) SELECT id,queue,state,order_key,run_at FROM xa.jobs;
INSERT INTO xg.jobs (queue,task,payload,priority,run_at,created_at,updated_at) SELECT 'default','noop',payload,0,run_at,created_at,created_at FROM xa.jobs;
VACUUM ANALYZE xa.jobs; VACUUM ANALYZE xb.jobs; VACUUM ANALYZE xb.live; VACUUM ANALYZE xg.jobs;
