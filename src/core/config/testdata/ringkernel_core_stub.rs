// The parts of ringkernel_core that the workbench's Rust export touches, with RingKernel's own
// signatures and behaviour (crates/ringkernel-core: error.rs, message.rs, persistent_message.rs,
// runtime.rs, k2k/mod.rs, k2k/tenant.rs, dispatcher.rs). Only what RingKernel needs external
// crates for differs: std locks instead of parking_lot, std::sync::mpsc instead of tokio's, and
// eprintln! where RingKernel calls tracing::warn!. The rustc test compiles every export against
// this crate with -D warnings and runs a harness that reads the built dispatcher back through
// the public API below.
#![allow(dead_code)]

pub mod error {
    use crate::k2k::TenantId;
    use std::fmt;

    /// RingKernel's error enum (the variants the dispatcher, broker and messages use, plus the
    /// lifecycle ones, so a `match` in user code has to be as exhaustive as against the real one).
    #[derive(Debug)]
    pub enum RingKernelError {
        KernelNotFound(String),
        KernelAlreadyActive(String),
        KernelNotActive(String),
        QueueFull { capacity: usize },
        QueueEmpty,
        SerializationError(String),
        DeserializationError(String),
        ValidationError(String),
        MessageTooLarge { size: usize, max: usize },
        Timeout(std::time::Duration),
        ClockSkew { skew_ms: u64, max_ms: u64 },
        InvalidTimestamp,
        K2KError(String),
        K2KDestinationNotFound(String),
        K2KDeliveryFailed(String),
        TenantMismatch { from: TenantId, to: TenantId },
        LoadSheddingRejected { level: String },
        InvalidConfig(String),
        MissingConfig(String),
        IoError(std::io::Error),
        Internal(String),
        NotSupported(String),
        Cancelled,
    }

    impl fmt::Display for RingKernelError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::KernelNotFound(s) => write!(f, "kernel not found: {}", s),
                Self::KernelAlreadyActive(s) => write!(f, "kernel already active: {}", s),
                Self::KernelNotActive(s) => write!(f, "kernel not active: {}", s),
                Self::QueueFull { capacity } => {
                    write!(f, "queue full: capacity {}, attempted to enqueue message", capacity)
                }
                Self::QueueEmpty => write!(f, "queue empty"),
                Self::SerializationError(s) => write!(f, "serialization error: {}", s),
                Self::DeserializationError(s) => write!(f, "deserialization error: {}", s),
                Self::ValidationError(s) => write!(f, "message validation failed: {}", s),
                Self::MessageTooLarge { size, max } => {
                    write!(f, "message too large: {} bytes (max: {} bytes)", size, max)
                }
                Self::Timeout(d) => write!(f, "message timeout after {:?}", d),
                Self::ClockSkew { skew_ms, max_ms } => {
                    write!(f, "clock skew too large: {}ms (max: {}ms)", skew_ms, max_ms)
                }
                Self::InvalidTimestamp => write!(f, "invalid timestamp"),
                Self::K2KError(s) => write!(f, "K2K error: {}", s),
                Self::K2KDestinationNotFound(s) => write!(f, "K2K destination not found: {}", s),
                Self::K2KDeliveryFailed(s) => write!(f, "K2K delivery failed: {}", s),
                Self::TenantMismatch { from, to } => {
                    write!(f, "cross-tenant K2K send rejected: tenant {} -> tenant {}", from, to)
                }
                Self::LoadSheddingRejected { level } => write!(f, "load shedding: {}", level),
                Self::InvalidConfig(s) => write!(f, "invalid configuration: {}", s),
                Self::MissingConfig(s) => write!(f, "missing configuration: {}", s),
                Self::IoError(e) => write!(f, "I/O error: {}", e),
                Self::Internal(s) => write!(f, "internal error: {}", s),
                Self::NotSupported(s) => write!(f, "feature not supported: {}", s),
                Self::Cancelled => write!(f, "operation cancelled"),
            }
        }
    }

    impl std::error::Error for RingKernelError {}

    pub type Result<T> = std::result::Result<T, RingKernelError>;
}

pub mod message {
    use std::sync::atomic::{AtomicU64, Ordering};

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[repr(C)]
    pub struct MessageId(pub u64);

    impl MessageId {
        pub const fn new(id: u64) -> Self {
            Self(id)
        }
        pub fn generate() -> Self {
            static COUNTER: AtomicU64 = AtomicU64::new(1);
            Self(COUNTER.fetch_add(1, Ordering::Relaxed))
        }
        pub const fn inner(&self) -> u64 {
            self.0
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[repr(C)]
    pub struct CorrelationId(pub u64);

    impl CorrelationId {
        pub const fn new(id: u64) -> Self {
            Self(id)
        }
        pub fn generate() -> Self {
            Self(MessageId::generate().0)
        }
        pub const fn none() -> Self {
            Self(0)
        }
        pub const fn is_some(&self) -> bool {
            self.0 != 0
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[repr(u8)]
    pub enum Priority {
        Low = 0,
        #[default]
        Normal = 1,
        High = 2,
        Critical = 3,
    }

    impl Priority {
        pub const fn from_u8(value: u8) -> Self {
            match value {
                0 => Self::Low,
                1 => Self::Normal,
                2 => Self::High,
                _ => Self::Critical,
            }
        }
    }

    /// As in RingKernel: messages cross threads, so they must be `Send + Sync + 'static`.
    pub trait RingMessage: Send + Sync + 'static {
        fn message_type() -> u64;
        fn message_id(&self) -> MessageId;
        fn correlation_id(&self) -> CorrelationId {
            CorrelationId::none()
        }
        fn priority(&self) -> Priority {
            Priority::Normal
        }
        fn serialize(&self) -> Vec<u8>;
        fn deserialize(bytes: &[u8]) -> crate::error::Result<Self>
        where
            Self: Sized;
        fn size_hint(&self) -> usize
        where
            Self: Sized,
        {
            std::mem::size_of::<Self>()
        }
    }
}

pub mod persistent_message {
    use crate::error::{Result, RingKernelError};
    use crate::message::RingMessage;

    pub const MAX_INLINE_PAYLOAD_SIZE: usize = 32;

    pub trait PersistentMessage: RingMessage + Sized {
        fn handler_id() -> u32;
        fn requires_response() -> bool {
            false
        }
        fn to_inline_payload(&self) -> Option<[u8; MAX_INLINE_PAYLOAD_SIZE]>;
        fn from_inline_payload(payload: &[u8]) -> Result<Self>;
        fn payload_size() -> usize;
        fn can_inline() -> bool {
            Self::payload_size() <= MAX_INLINE_PAYLOAD_SIZE
        }
    }

    #[derive(Debug, Clone)]
    pub struct HandlerRegistration {
        pub handler_id: u32,
        pub name: String,
        pub message_type_id: u64,
        pub produces_response: bool,
        pub response_type_id: Option<u64>,
        pub cuda_body: Option<String>,
    }

    impl HandlerRegistration {
        pub fn new(handler_id: u32, name: impl Into<String>, message_type_id: u64) -> Self {
            Self {
                handler_id,
                name: name.into(),
                message_type_id,
                produces_response: false,
                response_type_id: None,
                cuda_body: None,
            }
        }
        pub fn with_response(mut self, response_type_id: u64) -> Self {
            self.produces_response = true;
            self.response_type_id = Some(response_type_id);
            self
        }
    }

    #[derive(Debug, Clone, Default)]
    pub struct DispatchTable {
        handlers: Vec<HandlerRegistration>,
        max_handler_id: u32,
    }

    impl DispatchTable {
        pub fn new() -> Self {
            Self::default()
        }
        /// Refuses a second registration of one handler id, as RingKernel does.
        pub fn register(&mut self, registration: HandlerRegistration) -> Result<()> {
            if let Some(existing) =
                self.handlers.iter().find(|h| h.handler_id == registration.handler_id)
            {
                return Err(RingKernelError::InvalidConfig(format!(
                    "Duplicate handler ID: {} (new: {}, existing: {})",
                    registration.handler_id, registration.name, existing.name
                )));
            }
            self.max_handler_id = self.max_handler_id.max(registration.handler_id);
            self.handlers.push(registration);
            Ok(())
        }
        pub fn register_message<M: PersistentMessage>(
            &mut self,
            name: impl Into<String>,
        ) -> Result<()> {
            self.register(HandlerRegistration::new(M::handler_id(), name, M::message_type()))
        }
        pub fn handlers(&self) -> &[HandlerRegistration] {
            &self.handlers
        }
        pub fn get(&self, handler_id: u32) -> Option<&HandlerRegistration> {
            self.handlers.iter().find(|h| h.handler_id == handler_id)
        }
        pub fn max_handler_id(&self) -> u32 {
            self.max_handler_id
        }
        pub fn len(&self) -> usize {
            self.handlers.len()
        }
        pub fn is_empty(&self) -> bool {
            self.handlers.is_empty()
        }
    }
}

pub mod runtime {
    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct KernelId(pub String);

    impl KernelId {
        pub fn new(id: impl Into<String>) -> Self {
            Self(id.into())
        }
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }

    impl std::fmt::Display for KernelId {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}", self.0)
        }
    }
}

pub mod k2k {
    use crate::runtime::KernelId;
    use std::collections::HashMap;
    use std::sync::{mpsc, Arc, RwLock};

    pub type TenantId = u64;
    pub const UNSPECIFIED_TENANT: TenantId = 0;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct AuditTag {
        pub org_id: u64,
        pub engagement_id: u64,
    }

    impl AuditTag {
        pub const fn new(org_id: u64, engagement_id: u64) -> Self {
            Self { org_id, engagement_id }
        }
        pub const fn unspecified() -> Self {
            Self { org_id: 0, engagement_id: 0 }
        }
        pub const fn is_unspecified(&self) -> bool {
            self.org_id == 0 && self.engagement_id == 0
        }
    }

    #[derive(Debug, Clone)]
    pub struct K2KConfig {
        pub max_pending_messages: usize,
        pub delivery_timeout_ms: u64,
        pub enable_tracing: bool,
        pub max_hops: u8,
    }

    impl Default for K2KConfig {
        fn default() -> Self {
            Self {
                max_pending_messages: 1024,
                delivery_timeout_ms: 5000,
                enable_tracing: false,
                max_hops: 8,
            }
        }
    }

    /// A kernel's receiving end (RingKernel's wraps a bounded tokio channel).
    pub struct K2KEndpoint {
        kernel_id: KernelId,
        receiver: mpsc::Receiver<Vec<u8>>,
        broker: Arc<K2KBroker>,
    }

    impl K2KEndpoint {
        pub fn kernel_id(&self) -> &KernelId {
            &self.kernel_id
        }
        pub fn pending_count(&self) -> usize {
            0
        }
    }

    pub struct K2KSubBroker {
        tenant_id: TenantId,
        endpoints: RwLock<HashMap<KernelId, mpsc::SyncSender<Vec<u8>>>>,
        routing_table: RwLock<HashMap<KernelId, KernelId>>,
    }

    impl K2KSubBroker {
        fn new(tenant_id: TenantId) -> Self {
            Self {
                tenant_id,
                endpoints: RwLock::new(HashMap::new()),
                routing_table: RwLock::new(HashMap::new()),
            }
        }
        pub fn tenant_id(&self) -> TenantId {
            self.tenant_id
        }
        pub fn endpoint_count(&self) -> usize {
            self.endpoints.read().unwrap().len()
        }
        pub fn knows(&self, kernel_id: &KernelId) -> bool {
            self.endpoints.read().unwrap().contains_key(kernel_id)
                || self.routing_table.read().unwrap().contains_key(kernel_id)
        }
    }

    #[derive(Debug, Clone, Default)]
    pub struct K2KStats {
        pub registered_endpoints: usize,
        pub messages_delivered: u64,
        pub routes_configured: usize,
        pub tenant_count: usize,
        pub cross_tenant_rejections: u64,
    }

    #[derive(Debug, Clone, Default)]
    pub struct TenantStats {
        pub tenant_id: TenantId,
        pub registered_endpoints: usize,
        pub routes_configured: usize,
        pub messages_delivered: u64,
    }

    /// One routing domain per tenant: next hops added to tenant t are only looked up for
    /// senders of tenant t.
    pub struct K2KBroker {
        config: K2KConfig,
        tenants: RwLock<HashMap<TenantId, Arc<K2KSubBroker>>>,
        kernel_tenant: RwLock<HashMap<KernelId, TenantId>>,
    }

    impl K2KBroker {
        pub fn new(config: K2KConfig) -> Arc<Self> {
            let mut tenants = HashMap::new();
            tenants.insert(UNSPECIFIED_TENANT, Arc::new(K2KSubBroker::new(UNSPECIFIED_TENANT)));
            Arc::new(Self {
                config,
                tenants: RwLock::new(tenants),
                kernel_tenant: RwLock::new(HashMap::new()),
            })
        }
        pub fn config(&self) -> &K2KConfig {
            &self.config
        }
        pub fn tenant_count(&self) -> usize {
            self.tenants.read().unwrap().len()
        }
        pub fn sub_broker(&self, tenant_id: TenantId) -> Option<Arc<K2KSubBroker>> {
            self.tenants.read().unwrap().get(&tenant_id).cloned()
        }
        fn sub_or_new(&self, tenant_id: TenantId) -> Arc<K2KSubBroker> {
            self.tenants
                .write()
                .unwrap()
                .entry(tenant_id)
                .or_insert_with(|| Arc::new(K2KSubBroker::new(tenant_id)))
                .clone()
        }
        pub fn register(self: &Arc<Self>, kernel_id: KernelId) -> K2KEndpoint {
            self.register_tenant(UNSPECIFIED_TENANT, AuditTag::unspecified(), kernel_id)
        }
        pub fn register_tenant(
            self: &Arc<Self>,
            tenant_id: TenantId,
            _audit_tag: AuditTag,
            kernel_id: KernelId,
        ) -> K2KEndpoint {
            let (sender, receiver) = mpsc::sync_channel(self.config.max_pending_messages);
            let sub = self.sub_or_new(tenant_id);
            let prev = self.kernel_tenant.write().unwrap().insert(kernel_id.clone(), tenant_id);
            if let Some(prev) = prev.filter(|p| *p != tenant_id) {
                if let Some(old) = self.sub_broker(prev) {
                    old.endpoints.write().unwrap().remove(&kernel_id);
                    old.routing_table.write().unwrap().remove(&kernel_id);
                }
            }
            sub.endpoints.write().unwrap().insert(kernel_id.clone(), sender);
            K2KEndpoint { kernel_id, receiver, broker: Arc::clone(self) }
        }
        pub fn unregister(&self, kernel_id: &KernelId) {
            let tenant = self.kernel_tenant.write().unwrap().remove(kernel_id);
            if let Some(sub) = tenant.and_then(|t| self.sub_broker(t)) {
                sub.endpoints.write().unwrap().remove(kernel_id);
                sub.routing_table.write().unwrap().remove(kernel_id);
            }
        }
        pub fn is_registered(&self, kernel_id: &KernelId) -> bool {
            self.kernel_tenant.read().unwrap().contains_key(kernel_id)
        }
        pub fn tenant_of(&self, kernel_id: &KernelId) -> Option<TenantId> {
            self.kernel_tenant.read().unwrap().get(kernel_id).copied()
        }
        /// Adds a next hop to the unspecified tenant (0) only, as in RingKernel.
        pub fn add_route(&self, destination: KernelId, next_hop: KernelId) {
            self.add_route_in(UNSPECIFIED_TENANT, destination, next_hop);
        }
        pub fn add_route_in(&self, tenant_id: TenantId, destination: KernelId, next_hop: KernelId) {
            self.sub_or_new(tenant_id).routing_table.write().unwrap().insert(destination, next_hop);
        }
        pub fn remove_route(&self, destination: &KernelId) {
            self.remove_route_in(UNSPECIFIED_TENANT, destination);
        }
        pub fn remove_route_in(&self, tenant_id: TenantId, destination: &KernelId) {
            if let Some(sub) = self.sub_broker(tenant_id) {
                sub.routing_table.write().unwrap().remove(destination);
            }
        }
        /// The next hop a sender of `tenant_id` would use for `destination` (not in RingKernel's
        /// API, which only uses it while delivering; the harness reads routes through it).
        pub fn next_hop_in(&self, tenant_id: TenantId, destination: &KernelId) -> Option<KernelId> {
            self.sub_broker(tenant_id)?.routing_table.read().unwrap().get(destination).cloned()
        }
        pub fn stats(&self) -> K2KStats {
            let tenants = self.tenants.read().unwrap();
            let mut stats = K2KStats { tenant_count: tenants.len(), ..Default::default() };
            for sub in tenants.values() {
                stats.registered_endpoints += sub.endpoints.read().unwrap().len();
                stats.routes_configured += sub.routing_table.read().unwrap().len();
            }
            stats
        }
        pub fn tenant_stats(&self, tenant_id: TenantId) -> Option<TenantStats> {
            self.sub_broker(tenant_id).map(|sub| TenantStats {
                tenant_id,
                registered_endpoints: sub.endpoints.read().unwrap().len(),
                routes_configured: sub.routing_table.read().unwrap().len(),
                messages_delivered: 0,
            })
        }
    }
}

pub mod dispatcher {
    use crate::error::Result;
    use crate::k2k::{K2KBroker, K2KConfig};
    use crate::persistent_message::{DispatchTable, HandlerRegistration, PersistentMessage};
    use crate::runtime::KernelId;
    use std::collections::HashMap;
    use std::sync::{Arc, RwLock};

    #[derive(Debug, Clone)]
    pub struct DispatcherConfig {
        pub enable_logging: bool,
        pub enable_metrics: bool,
        pub default_priority: u8,
    }

    impl Default for DispatcherConfig {
        fn default() -> Self {
            Self { enable_logging: false, enable_metrics: true, default_priority: 0 }
        }
    }

    pub struct KernelDispatcher {
        routes: RwLock<HashMap<u64, KernelId>>,
        handler_tables: RwLock<HashMap<KernelId, DispatchTable>>,
        broker: Arc<K2KBroker>,
        config: DispatcherConfig,
    }

    impl KernelDispatcher {
        pub fn builder() -> DispatcherBuilder {
            DispatcherBuilder::new()
        }
        pub fn new(broker: Arc<K2KBroker>) -> Self {
            Self::with_config(broker, DispatcherConfig::default())
        }
        pub fn with_config(broker: Arc<K2KBroker>, config: DispatcherConfig) -> Self {
            Self {
                routes: RwLock::new(HashMap::new()),
                handler_tables: RwLock::new(HashMap::new()),
                broker,
                config,
            }
        }
        pub fn register<M: PersistentMessage>(&self, kernel_id: KernelId) -> Result<()> {
            self.register_with_name::<M>(kernel_id, std::any::type_name::<M>())
        }
        pub fn register_with_name<M: PersistentMessage>(
            &self,
            kernel_id: KernelId,
            handler_name: &str,
        ) -> Result<()> {
            self.routes.write().unwrap().insert(M::message_type(), kernel_id.clone());
            let mut tables = self.handler_tables.write().unwrap();
            tables.entry(kernel_id).or_default().register_message::<M>(handler_name)
        }
        pub fn register_route(&self, type_id: u64, kernel_id: KernelId) {
            self.routes.write().unwrap().insert(type_id, kernel_id);
        }
        pub fn unregister(&self, type_id: u64) {
            self.routes.write().unwrap().remove(&type_id);
        }
        pub fn get_route(&self, type_id: u64) -> Option<KernelId> {
            self.routes.read().unwrap().get(&type_id).cloned()
        }
        pub fn has_route(&self, type_id: u64) -> bool {
            self.routes.read().unwrap().contains_key(&type_id)
        }
        pub fn routes(&self) -> Vec<(u64, KernelId)> {
            self.routes.read().unwrap().iter().map(|(k, v)| (*k, v.clone())).collect()
        }
        pub fn get_dispatch_table(&self, kernel_id: &KernelId) -> Option<DispatchTable> {
            self.handler_tables.read().unwrap().get(kernel_id).cloned()
        }
        pub fn default_priority(&self) -> u8 {
            self.config.default_priority
        }
        pub fn broker(&self) -> &Arc<K2KBroker> {
            &self.broker
        }
    }

    struct Route {
        type_id: u64,
        kernel_id: KernelId,
        handler_name: String,
        handler_id: Option<u32>,
        requires_response: bool,
    }

    pub struct DispatcherBuilder {
        routes: Vec<Route>,
        config: DispatcherConfig,
        k2k_config: K2KConfig,
    }

    impl DispatcherBuilder {
        pub fn new() -> Self {
            Self {
                routes: Vec::new(),
                config: DispatcherConfig::default(),
                k2k_config: K2KConfig::default(),
            }
        }
        pub fn route<M: PersistentMessage>(mut self, kernel_id: KernelId) -> Self {
            self.routes.push(Route {
                type_id: M::message_type(),
                kernel_id,
                handler_name: std::any::type_name::<M>().to_string(),
                handler_id: Some(M::handler_id()),
                requires_response: M::requires_response(),
            });
            self
        }
        pub fn route_named<M: PersistentMessage>(
            mut self,
            kernel_id: KernelId,
            handler_name: &str,
        ) -> Self {
            self.routes.push(Route {
                type_id: M::message_type(),
                kernel_id,
                handler_name: handler_name.to_string(),
                handler_id: Some(M::handler_id()),
                requires_response: M::requires_response(),
            });
            self
        }
        pub fn route_raw(mut self, type_id: u64, kernel_id: KernelId) -> Self {
            self.routes.push(Route {
                type_id,
                kernel_id,
                handler_name: format!("handler_{}", type_id),
                handler_id: None,
                requires_response: false,
            });
            self
        }
        pub fn with_config(mut self, config: DispatcherConfig) -> Self {
            self.config = config;
            self
        }
        pub fn with_k2k_config(mut self, config: K2KConfig) -> Self {
            self.k2k_config = config;
            self
        }
        pub fn with_logging(mut self) -> Self {
            self.config.enable_logging = true;
            self
        }
        pub fn with_priority(mut self, priority: u8) -> Self {
            self.config.default_priority = priority;
            self
        }
        pub fn build(self) -> KernelDispatcher {
            let broker = K2KBroker::new(self.k2k_config.clone());
            self.build_with_broker(broker)
        }
        /// As in RingKernel: every route is set (the last one for a type id wins), and a route
        /// with a handler id registers it in its kernel's dispatch table; a duplicate handler id
        /// is logged and that registration dropped.
        pub fn build_with_broker(self, broker: Arc<K2KBroker>) -> KernelDispatcher {
            let dispatcher = KernelDispatcher::with_config(broker, self.config);
            for route in self.routes {
                dispatcher.routes.write().unwrap().insert(route.type_id, route.kernel_id.clone());
                if let Some(handler_id) = route.handler_id {
                    let mut tables = dispatcher.handler_tables.write().unwrap();
                    let table = tables.entry(route.kernel_id).or_default();
                    let mut registration =
                        HandlerRegistration::new(handler_id, &route.handler_name, route.type_id);
                    if route.requires_response {
                        registration = registration.with_response(0);
                    }
                    if let Err(e) = table.register(registration) {
                        eprintln!("WARN Failed to register handler in dispatcher build: {}", e);
                    }
                }
            }
            dispatcher
        }
    }

    impl Default for DispatcherBuilder {
        fn default() -> Self {
            Self::new()
        }
    }
}
