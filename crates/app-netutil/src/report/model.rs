//! The pod report: JSON contract v1 (`docs/report.md`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde::{Deserializer, Serializer};

use crate::report::DeviceInfo;
use crate::report::PageSize;
use crate::report::dra::Dra;
use crate::report::header::{self, ApiVersion, Kind};
use crate::report::value::Object;
use crate::report::warning::{Warning, WarningCode};

/// The most NUMA nodes: node ids are below this. It is the largest
/// `MAX_NUMNODES` the kernel can be built with (`NODES_SHIFT` at most 10);
/// a larger id in sysfs or a saved report is a warning and an unknown node,
/// so that no id makes anything allocate in proportion to it.
pub const MAX_NUMA_NODES: u32 = 1024;

/// Everything the pod was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Report {
    /// `"apiVersion": "app-netutil/v1"`, the first key of the JSON: what
    /// the document is. Absent in a report saved before it existed.
    #[serde(rename = "apiVersion", default)]
    pub(crate) api_version: ApiVersion,
    /// `"kind": "PodReport"`, the second key.
    #[serde(default)]
    pub(crate) kind: Kind,
    /// Who the pod is: its host name, name, namespace and uid, as far as
    /// the pod can tell. A report saved before this key existed reads back
    /// with every part unknown.
    #[serde(default)]
    pub pod: PodIdentity,
    /// The CPUs this process may run on; `None` only when no source could
    /// be read.
    pub cpus: Option<Cpus>,
    /// Hugepage memory granted to the pod's containers.
    pub hugepages: Hugepages,
    /// Every network interface or device handed to the pod, in contract
    /// order.
    pub interfaces: Vec<Interface>,
    /// Every input that was ignored, repaired or guessed at.
    pub warnings: Vec<String>,
    /// The same warnings, in the same order, each with its code and
    /// subject ([`Report::warning_details`] reads them). A report saved
    /// before codes existed reads back with every warning coded
    /// [`WarningCode::Other`].
    #[serde(default)]
    pub warning_details: Vec<Warning>,
}

/// The pod's identity. Each part is `None` when the pod does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct PodIdentity {
    /// The host name: the `HOSTNAME` variable (which Kubernetes sets to the
    /// pod name, or to `spec.hostname`, or to the node's name for a pod on
    /// the host network), else the first line of `/etc/hostname`.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `metadata.name`, from the downward-API file `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `metadata.namespace`, from the downward-API file `namespace`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// `metadata.uid`, from the downward-API file `uid`.
    #[serde(default)]
    pub uid: Option<String>,
}

/// A route of an interface other than a default route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Route {
    /// The destination, as given (`10.96.0.0/12`).
    pub dst: String,
    /// The next hop, as given; `None` when the route has none.
    #[serde(default)]
    pub gw: Option<String>,
}

impl Route {
    /// A route to `dst` through `gw`.
    #[must_use]
    pub fn new(dst: impl Into<String>, gw: Option<String>) -> Self {
        Self {
            dst: dst.into(),
            gw,
        }
    }
}

/// Where the CPU set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CpuSource {
    /// `sched_getaffinity(2)` of this process.
    Affinity,
    /// `Cpus_allowed_list` of `/proc/self/status`.
    ProcStatus,
    /// cgroup v2 `cpuset.cpus.effective`.
    CgroupV2,
    /// cgroup v1 `cpuset.effective_cpus` or `cpuset.cpus`.
    CgroupV1,
}

/// Prints CPU ids as a canonical kernel cpulist (`1,3,5-7`), without a
/// newline. The input may be in any order and hold duplicates.
#[must_use]
pub fn format_cpulist(cpus: &[u32]) -> String {
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

impl CpuSource {
    /// The contract's spelling (`affinity`, `proc-status`, `cgroup-v2`,
    /// `cgroup-v1`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Affinity => "affinity",
            Self::ProcStatus => "proc-status",
            Self::CgroupV2 => "cgroup-v2",
            Self::CgroupV1 => "cgroup-v1",
        }
    }
}

/// The CPUs of the pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Cpus {
    /// CPU ids, ascending.
    pub list: Vec<u32>,
    /// The same set as a canonical kernel cpulist.
    pub cpuset: String,
    /// Where the set came from.
    pub source: CpuSource,
    /// NUMA node -> this pod's CPUs on that node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numa_nodes: Option<BTreeMap<u32, Vec<u32>>>,
    /// `false` when the usable set equals every online CPU (no dedicated
    /// CPUs); `None` when unknown.
    pub exclusive: Option<bool>,
    /// The pod's CPUs that the kernel isolates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolated: Option<Vec<u32>>,
    /// The pod's CPUs grouped by physical core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smt_siblings: Option<Vec<Vec<u32>>>,
}

/// Hugepage memory of the pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Hugepages {
    /// This container's name (`CONTAINER_NAME`), if known.
    pub container: Option<String>,
    /// One entry per container named in the downward-API files, by name.
    pub containers: Vec<ContainerHugepages>,
    /// Page size -> MiB allowed by the pod's hugetlb cgroup.
    pub cgroup_limit_mib: BTreeMap<PageSize, u64>,
    /// hugetlbfs mounts visible to the process.
    pub mounts: Vec<HugetlbfsMount>,
    /// Page size -> the host's pool of that size, in pages.
    pub host_pools: BTreeMap<PageSize, HostPool>,
}

impl Hugepages {
    /// This container's entry, when the container name is known and listed.
    #[must_use]
    pub fn own(&self) -> Option<&ContainerHugepages> {
        let name = self.container.as_deref()?;
        self.containers.iter().find(|c| c.name == name)
    }

    /// MiB requested by this container for `size` (limits where no request
    /// is given), from the downward-API files.
    #[must_use]
    pub fn own_mib(&self, size: SizeKey) -> Option<u64> {
        own_amount(self.own()?, size)
    }

    /// The MiB of `size` pages this container was granted: its downward-API
    /// amount ([`Hugepages::own_mib`]) when the downward-API files name this
    /// container, else the hugetlb cgroup limit ([`Hugepages::cgroup_limit_mib`]:
    /// the smaller of the container's and the pod's cgroup limit). `None`
    /// when neither says anything about `size` (for example an unlimited
    /// cgroup).
    ///
    /// This is the amount DPDK's memory options should use.
    #[must_use]
    pub fn grant_mib(&self, size: PageSize) -> Option<u64> {
        self.grant_of(self.own(), size)
    }

    /// [`Hugepages::grant_mib`] with this container's entry already found.
    fn grant_of(&self, own: Option<&ContainerHugepages>, size: PageSize) -> Option<u64> {
        own.and_then(|o| own_amount(o, SizeKey::Size(size)))
            .or_else(|| self.cgroup_limit_mib.get(&size).copied())
    }

    /// The page sizes with a non-zero [`Hugepages::grant_mib`], ascending.
    #[must_use]
    pub fn granted_sizes(&self) -> Vec<PageSize> {
        self.grants()
            .into_iter()
            .filter_map(|(s, mib)| (mib > 0).then_some(s))
            .collect()
    }

    /// [`Hugepages::grant_mib`] of every page size that has one (zero
    /// included), found at once: this container's entry is looked up once,
    /// however many sizes there are.
    #[must_use]
    pub fn grants(&self) -> BTreeMap<PageSize, u64> {
        let own = self.own();
        let mut sizes: Vec<PageSize> = self.cgroup_limit_mib.keys().copied().collect();
        if let Some(own) = own {
            sizes.extend(
                own.limit_mib
                    .keys()
                    .chain(own.request_mib.keys())
                    .filter_map(|k| match k {
                        SizeKey::Size(s) => Some(*s),
                        SizeKey::Unspecified => None,
                    }),
            );
        }
        sizes
            .into_iter()
            .filter_map(|s| self.grant_of(own, s).map(|mib| (s, mib)))
            .collect()
    }

    /// The hugetlbfs mount points by page size, each size's in listed
    /// order: one pass over the mounts, however many sizes are asked about.
    #[must_use]
    pub fn mounts_by_size(&self) -> BTreeMap<PageSize, Vec<&str>> {
        let mut by_size: BTreeMap<PageSize, Vec<&str>> = BTreeMap::new();
        for m in &self.mounts {
            by_size.entry(m.page_size).or_default().push(&m.path);
        }
        by_size
    }
}

/// A container's downward-API amount of `size`: the limit, else the
/// request.
fn own_amount(own: &ContainerHugepages, size: SizeKey) -> Option<u64> {
    own.limit_mib
        .get(&size)
        .or_else(|| own.request_mib.get(&size))
        .copied()
}

/// The page-size key of a hugepage amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SizeKey {
    /// A known page size.
    Size(PageSize),
    /// The legacy `hugepages_request` / `hugepages_limit` files, which do
    /// not say which size they mean.
    Unspecified,
}

impl fmt::Display for SizeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Size(s) => s.fmt(f),
            Self::Unspecified => f.write_str("unspecified"),
        }
    }
}

impl Serialize for SizeKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SizeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "unspecified" {
            return Ok(Self::Unspecified);
        }
        PageSize::parse(&s)
            .map(Self::Size)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid page size {s:?}")))
    }
}

impl Serialize for PageSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PageSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid page size {s:?}")))
    }
}

/// Hugepages of one container from the downward-API files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ContainerHugepages {
    /// The container name; empty for the legacy unsuffixed files.
    pub name: String,
    /// Page size -> MiB requested.
    pub request_mib: BTreeMap<SizeKey, u64>,
    /// Page size -> MiB limit.
    pub limit_mib: BTreeMap<SizeKey, u64>,
}

/// A hugetlbfs mount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct HugetlbfsMount {
    /// Mount point in the pod.
    pub path: String,
    /// Page size of the mount.
    pub page_size: PageSize,
}

/// A host hugepage pool, in pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct HostPool {
    /// Pages in the pool.
    pub total: u64,
    /// Pages not in use.
    pub free: u64,
    /// The same per NUMA node.
    pub numa_nodes: BTreeMap<u32, NodePool>,
}

/// A host hugepage pool on one NUMA node, in pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodePool {
    /// Pages in the pool.
    pub total: u64,
    /// Pages not in use.
    pub free: u64,
}

/// What kind of device backs an interface.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DeviceType {
    /// A kernel interface with no device of its own.
    #[default]
    Host,
    /// A PCI device (SR-IOV VF or PF).
    Pci,
    /// A vDPA device.
    Vdpa,
    /// A vhost-user socket.
    VhostUser,
    /// A memif socket.
    Memif,
    /// An auxiliary-bus device (sub-function).
    Auxiliary,
    /// A device-info type this library does not know.
    Unknown,
}

impl DeviceType {
    /// The contract's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Pci => "pci",
            Self::Vdpa => "vdpa",
            Self::VhostUser => "vhost-user",
            Self::Memif => "memif",
            Self::Auxiliary => "auxiliary",
            Self::Unknown => "unknown",
        }
    }
}

/// How an interface entry was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    /// The `network-status` annotation.
    NetworkStatus,
    /// The deprecated `networks-status` annotation.
    NetworksStatus,
    /// Userspace CNI annotations.
    UserspaceCni,
    /// A device-plugin variable listed the device.
    DevicePluginEnv,
    /// A DRA device metadata file (KEP-5304) named the device.
    DraMetadata,
    /// dra-driver-sriov's `SRIOVNETWORK_*` variables named the device.
    DraEnv,
    /// The pod's sysfs showed which device backs the interface.
    Sysfs,
    /// The device was given to the interface by position: a guess.
    Positional,
}

impl Source {
    /// The contract's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NetworkStatus => "network-status",
            Self::NetworksStatus => "networks-status",
            Self::UserspaceCni => "userspace-cni",
            Self::DevicePluginEnv => "device-plugin-env",
            Self::DraMetadata => "dra-metadata",
            Self::DraEnv => "dra-env",
            Self::Sysfs => "sysfs",
            Self::Positional => "positional",
        }
    }
}

/// DNS settings of an attachment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dns {
    /// Name server addresses.
    pub nameservers: Vec<String>,
    /// The local domain, if given.
    pub domain: Option<String>,
    /// Search domains.
    pub search: Vec<String>,
    /// Resolver options.
    pub options: Vec<String>,
}

impl Dns {
    /// Whether no field is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nameservers.is_empty()
            && self.domain.is_none()
            && self.search.is_empty()
            && self.options.is_empty()
    }
}

/// What the pod's sysfs says about a PCI device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct PciDevice {
    /// NUMA node; `None` when the kernel says `-1` or does not say.
    pub numa_node: Option<u32>,
    /// Bound driver (`vfio-pci`, `iavf`, `mlx5_core`).
    pub driver: Option<String>,
    /// IOMMU group.
    pub iommu_group: Option<u32>,
    /// The VFIO group device in the container (`/dev/vfio/<group>` or
    /// `/dev/vfio/noiommu-<group>`), when it exists.
    pub vfio_device: Option<String>,
    /// Kernel network interfaces of the device.
    pub netdevs: Vec<String>,
    /// PCI vendor id (`0x8086`).
    pub vendor: Option<String>,
    /// PCI device id (`0x154c`).
    pub device: Option<String>,
    /// The PF's PCI address, for a VF.
    pub physfn: Option<String>,
}

/// One network interface or device of the pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Interface {
    /// Interface name in the pod; `None` for a device known only from a
    /// device-plugin variable.
    pub interface: Option<String>,
    /// The network (NetworkAttachmentDefinition) name.
    pub network: Option<String>,
    /// Whether this is the pod's default network.
    pub default: bool,
    /// What kind of device backs the interface.
    pub device_type: DeviceType,
    /// MAC address, canonical: lower-case hex octets separated by `:`.
    pub mac: Option<String>,
    /// InfiniBand GUID from network-status (`infiniband-guid`), canonical
    /// like `mac`: 8 octets, or the 20-octet IP-over-InfiniBand address.
    /// Absent from reports of earlier versions, read as `None`.
    #[serde(default)]
    pub infiniband_guid: Option<String>,
    /// Addresses as given (bare or CIDR).
    pub ips: Vec<String>,
    /// MTU.
    pub mtu: Option<u64>,
    /// Gateways.
    pub gateway: Vec<String>,
    /// Routes other than default routes (from the userspace CNI's result).
    #[serde(default)]
    pub routes: Vec<Route>,
    /// DNS settings.
    pub dns: Dns,
    /// NPWG device-info.
    pub device_info: Option<DeviceInfo>,
    /// The id a device plugin gave for this device.
    pub device_id: Option<String>,
    /// The device-plugin variable that listed the device.
    pub resource_env: Option<String>,
    /// This device's entry in the `_INFO` variable: provider -> key -> value.
    pub device_plugin_info: Option<Object>,
    /// What sysfs says about the PCI device.
    pub pci_device: Option<PciDevice>,
    /// The DRA device behind the interface, when DRA allocated it. Absent
    /// from reports of earlier versions, read as `None`.
    #[serde(default)]
    pub dra: Option<Dra>,
    /// How this entry was found.
    pub sources: Vec<Source>,
}

impl Interface {
    /// The PCI address of the interface's device: from its device-info, or
    /// its device-plugin id when that is a PCI address.
    #[must_use]
    pub fn pci_address(&self) -> Option<&str> {
        self.device_info
            .as_ref()
            .and_then(DeviceInfo::pci_address)
            .or_else(|| {
                self.device_id
                    .as_deref()
                    .filter(|id| crate::report::PciAddress::parse(id).is_some())
            })
    }

    /// The socket path of a vhost-user or memif device, or the character
    /// device of a vhost vDPA device.
    #[must_use]
    pub fn socket_path(&self) -> Option<&str> {
        let info = self.device_info.as_ref()?;
        match self.device_type {
            DeviceType::VhostUser => info.vhost_user.as_ref()?.path.as_deref(),
            DeviceType::Memif => info.memif.as_ref()?.path.as_deref(),
            DeviceType::Vdpa => info.vdpa.as_ref()?.path.as_deref(),
            _ => None,
        }
    }

    /// Whether `source` is among the sources.
    #[must_use]
    pub fn has_source(&self, source: Source) -> bool {
        self.sources.contains(&source)
    }
}

impl Report {
    /// The report as contract JSON (pretty-printed).
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The report as compact contract JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Reads a report back from contract JSON (for example one an init
    /// container wrote). A report without `apiVersion` and `kind` (saved by
    /// a version before they existed) is read as contract v1.
    ///
    /// # Errors
    ///
    /// A [`ReportJsonError`](crate::report::ReportJsonError): where the
    /// text stops being JSON or a contract v1 report, and why, or the
    /// `apiVersion` (other than `app-netutil/v1`) or `kind` (other than
    /// `PodReport`) it names instead.
    pub fn from_json(text: &str) -> Result<Self, crate::report::ReportJsonError> {
        // One parse: `apiVersion` and `kind` only read back as this
        // version's values, so a report naming others fails here, and only
        // then is the header read to say which value it names.
        let mut report: Self = serde_json::from_str(text).map_err(|e| {
            header::check(text)
                .err()
                .unwrap_or_else(|| crate::report::ReportJsonError::from(e))
        })?;
        report.complete_details();
        Ok(report)
    }

    /// The warnings with their codes and subjects: one per entry of
    /// [`Report::warnings`], in the same order, the message equal to it.
    #[must_use]
    pub fn warning_details(&self) -> &[Warning] {
        &self.warning_details
    }

    /// Makes [`Report::warning_details`] match [`Report::warnings`] when a
    /// report read back does not have them (saved before codes existed, or
    /// edited): every warning is then coded [`WarningCode::Other`], about
    /// nothing named.
    fn complete_details(&mut self) {
        let same = self.warning_details.len() == self.warnings.len()
            && self
                .warning_details
                .iter()
                .zip(&self.warnings)
                .all(|(d, w)| d.message == *w);
        if !same {
            self.warning_details = self
                .warnings
                .iter()
                .map(|w| Warning::new(WarningCode::Other, "", w.clone()))
                .collect();
        }
    }
}

#[cfg(test)]
mod tests;
