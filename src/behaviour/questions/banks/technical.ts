import type { Template, Vocabulary } from '../template';

/** Software, infrastructure and engineering questions. */
export const TECHNICAL_TEMPLATES: readonly Template[] = [
  { text: 'How does {concept} work in {tech}?' },
  { text: 'What are the trade-offs between {tech} and {tech2} for {task}?' },
  { text: 'How would you {task} in {language}?' },
  { text: 'Why might {tech} show high latency at {#2-900} concurrent requests, and how would you diagnose it?' },
  { text: 'Can you explain {concept} to a developer who knows {language} but has never used {tech}?' },
  { text: 'What are common mistakes when using {concept} in production?' },
  { text: 'How should I size {tech} for about {#2-900} requests per second with a p99 under {#20-900} ms?' },
  { text: 'What is the difference between {concept} and {concept2}?' },
  { text: 'How would you test {concept} in a service written in {language}?' },
  { text: 'What metrics would you alert on to know that {tech} is unhealthy?' },
  { text: 'How would you migrate {#2-90} services from {tech} to {tech2} without downtime?' },
  { text: 'Why would {task} be slow in {language}, and how would you profile it?' },
  { text: 'When is {concept} the wrong choice, and what would you use instead?' },
  { text: 'How does {tech} handle {failure}?' },
  { text: 'What happens during {failure} if {concept} is misconfigured?' },
  { text: 'Which {#2-6} settings of {tech} matter most for {task}?' },
  { text: 'How would you design {system} so that it survives {failure}?' },
  { text: 'What would a minimal {language} implementation of {concept} look like?' },
];

/** Slot vocabularies of the technical templates. */
export const TECHNICAL_VOCABULARY: Vocabulary = {
  tech: [
    'PostgreSQL', 'MySQL', 'Redis', 'Kafka', 'RabbitMQ', 'Kubernetes', 'Nginx', 'Envoy', 'gRPC', 'GraphQL',
    'Elasticsearch', 'Cassandra', 'MongoDB', 'SQLite', 'etcd', 'Consul', 'Prometheus', 'Grafana Loki', 'Terraform',
    'Docker', 'systemd', 'HAProxy', 'vLLM', 'Triton Inference Server', 'Apache Spark', 'Apache Flink', 'DuckDB',
    'ClickHouse', 'NATS', 'Memcached', 'Istio', 'Linkerd', 'AWS Lambda', 'Cloudflare Workers', 'ZooKeeper',
    'OpenTelemetry', 'Jaeger', 'Vault', 'MinIO', 'Ceph', 'the Linux page cache', 'TCP', 'HTTP/2', 'QUIC', 'WebSockets',
  ],
  concept: [
    'connection pooling', 'consistent hashing', 'write-ahead logging', 'leader election', 'backpressure',
    'exponential backoff', 'circuit breaking', 'rate limiting with token buckets', 'idempotency keys',
    'optimistic locking', 'database sharding', 'read replicas', 'cache invalidation', 'eventual consistency',
    'the Raft protocol', 'vector clocks', 'bloom filters', 'copy-on-write', 'garbage collection pauses',
    'memory-mapped files', 'TLS session resumption', 'HTTP keep-alive', 'server-sent events', 'head-of-line blocking',
    'blue-green deployment', 'canary releases', 'feature flags', 'schema migrations', 'KV-cache reuse in LLM serving',
    'continuous batching', 'speculative decoding', 'quantisation of model weights', 'request hedging',
    'load shedding', 'distributed tracing', 'structured logging', 'zero-copy I/O', 'event sourcing',
  ],
  task: [
    'parse a large CSV file', 'stream server-sent events', 'deduplicate events', 'rotate API keys',
    'paginate a large result set', 'retry failed requests safely', 'store time series data', 'run a job queue',
    'serve static files', 'cache expensive queries', 'roll out a config change', 'rate-limit tenants fairly',
    'handle file uploads', 'run nightly batch reports', 'stream LLM tokens to a browser', 'index full-text search',
    'compress log archives', 'schedule recurring jobs', 'validate untrusted JSON', 'measure tail latency',
  ],
  language: ['Go', 'Rust', 'Python', 'TypeScript', 'Java', 'C#', 'Kotlin', 'C++', 'Elixir', 'Ruby', 'Scala', 'Zig', 'Swift', 'PHP'],
  failure: [
    'a network partition', 'a full disk', 'a slow downstream dependency', 'a sudden traffic spike', 'clock skew',
    'a leader crash', 'a memory leak', 'a certificate expiry', 'a DNS outage', 'a poison message',
    'a thundering herd after a cache flush', 'a zone outage', 'a corrupted index', 'a noisy neighbour',
  ],
  system: [
    'a URL shortener', 'a chat backend', 'a payment ledger', 'a metrics pipeline', 'an LLM inference gateway',
    'a feature store', 'a notification service', 'a multi-tenant API', 'a search service', 'a file sync service',
  ],
};
