// The public signatures of ringkernel_core that the Rust export uses, as declared by the seed
// (shared/seed/dispatcher.rs) and its imports. Bodies are minimal: this crate exists so tests can
// type-check generated code with rustc.
#![allow(dead_code)]

pub mod error {
    #[derive(Debug)]
    pub enum RingKernelError {
        DeserializationError(String),
        K2KError(String),
    }
    pub type Result<T> = std::result::Result<T, RingKernelError>;
}

pub mod message {
    use crate::error::Result;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct MessageId(u64);
    impl MessageId {
        pub fn new(id: u64) -> Self {
            Self(id)
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct CorrelationId(u64);
    impl CorrelationId {
        pub fn none() -> Self {
            Self(0)
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Priority {
        Low,
        Normal,
        High,
        Critical,
    }

    pub trait RingMessage: Sized {
        fn message_type() -> u64;
        fn message_id(&self) -> MessageId;
        fn correlation_id(&self) -> CorrelationId;
        fn priority(&self) -> Priority;
        fn serialize(&self) -> Vec<u8>;
        fn deserialize(bytes: &[u8]) -> Result<Self>;
        fn size_hint(&self) -> usize;
    }
}

pub mod persistent_message {
    use crate::error::Result;
    use crate::message::RingMessage;

    pub const MAX_INLINE_PAYLOAD_SIZE: usize = 32;

    pub trait PersistentMessage: RingMessage {
        fn handler_id() -> u32;
        fn requires_response() -> bool;
        fn payload_size() -> usize;
        fn to_inline_payload(&self) -> Option<[u8; MAX_INLINE_PAYLOAD_SIZE]>;
        fn from_inline_payload(payload: &[u8]) -> Result<Self>;
    }
}

pub mod runtime {
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct KernelId(String);
    impl KernelId {
        pub fn new(id: impl Into<String>) -> Self {
            Self(id.into())
        }
    }
}

pub mod k2k {
    use crate::runtime::KernelId;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Debug)]
    pub struct K2KConfig {
        pub max_pending_messages: usize,
        pub delivery_timeout_ms: u64,
        pub enable_tracing: bool,
        pub max_hops: u8,
    }
    impl Default for K2KConfig {
        fn default() -> Self {
            Self { max_pending_messages: 1024, delivery_timeout_ms: 5000, enable_tracing: false, max_hops: 8 }
        }
    }

    pub struct K2KBroker {
        config: K2KConfig,
        routes: Mutex<Vec<(KernelId, KernelId)>>,
    }
    impl K2KBroker {
        pub fn new(config: K2KConfig) -> Arc<Self> {
            Arc::new(Self { config, routes: Mutex::new(Vec::new()) })
        }
        pub fn add_route(&self, destination: KernelId, next_hop: KernelId) {
            self.routes.lock().unwrap().push((destination, next_hop));
        }
    }
}

pub mod dispatcher {
    use crate::k2k::{K2KBroker, K2KConfig};
    use crate::persistent_message::PersistentMessage;
    use crate::runtime::KernelId;
    use std::sync::Arc;

    pub struct KernelDispatcher {
        broker: Arc<K2KBroker>,
        routes: Vec<(u64, KernelId, String, Option<u32>, bool)>,
        default_priority: u8,
    }
    impl KernelDispatcher {
        pub fn builder() -> DispatcherBuilder {
            DispatcherBuilder::new()
        }
        pub fn broker(&self) -> &Arc<K2KBroker> {
            &self.broker
        }
    }

    pub struct DispatcherBuilder {
        routes: Vec<(u64, KernelId, String, Option<u32>, bool)>,
        k2k_config: K2KConfig,
        default_priority: u8,
    }
    impl DispatcherBuilder {
        pub fn new() -> Self {
            Self { routes: Vec::new(), k2k_config: K2KConfig::default(), default_priority: 0 }
        }
        pub fn route<M: PersistentMessage>(mut self, kernel_id: KernelId) -> Self {
            let name = std::any::type_name::<M>().to_string();
            self.routes.push((M::message_type(), kernel_id, name, Some(M::handler_id()), M::requires_response()));
            self
        }
        pub fn route_named<M: PersistentMessage>(mut self, kernel_id: KernelId, handler_name: &str) -> Self {
            self.routes.push((M::message_type(), kernel_id, handler_name.to_string(), Some(M::handler_id()), M::requires_response()));
            self
        }
        pub fn route_raw(mut self, type_id: u64, kernel_id: KernelId) -> Self {
            self.routes.push((type_id, kernel_id, format!("handler_{}", type_id), None, false));
            self
        }
        pub fn with_k2k_config(mut self, config: K2KConfig) -> Self {
            self.k2k_config = config;
            self
        }
        pub fn with_logging(self) -> Self {
            self
        }
        pub fn with_priority(mut self, priority: u8) -> Self {
            self.default_priority = priority;
            self
        }
        pub fn build(self) -> KernelDispatcher {
            let broker = K2KBroker::new(self.k2k_config.clone());
            self.build_with_broker(broker)
        }
        pub fn build_with_broker(self, broker: Arc<K2KBroker>) -> KernelDispatcher {
            KernelDispatcher { broker, routes: self.routes, default_priority: self.default_priority }
        }
    }
    impl Default for DispatcherBuilder {
        fn default() -> Self {
            Self::new()
        }
    }
}
