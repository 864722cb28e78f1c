// The EnterpriseContractPolicy spec, field order as ec's Go structs (conforma/crds api/v1alpha1 enterprisecontractpolicy_types.go). Shared by every layer.

export interface VolatileCriterion {
  value: string;
  effectiveOn?: string;
  effectiveUntil?: string;
  imageRef?: string;
  imageDigest?: string;
  imageUrl?: string;
  componentNames?: string[];
  reference?: string;
}

interface SourceConfig {
  exclude?: string[];
  include?: string[];
}

interface VolatileSourceConfig {
  exclude?: VolatileCriterion[];
  include?: VolatileCriterion[];
}

export interface PolicySource {
  name?: string;
  policy?: string[];
  data?: string[];
  ruleData?: Record<string, unknown>;
  config?: SourceConfig;
  volatileConfig?: VolatileSourceConfig;
}

interface PolicyIdentity {
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
  issuerRegExp?: string;
}

export interface PolicySpec {
  name?: string;
  description?: string;
  sources?: PolicySource[];
  /** Deprecated top-level configuration. */
  configuration?: {
    exclude?: string[];
    include?: string[];
    collections?: string[];
  };
  rekorUrl?: string;
  publicKey?: string;
  identity?: PolicyIdentity;
}
