// Display names of the API's enum values.

export const KIND = {
  COUNTRY: "Country", REGION: "Région", DEPARTMENT: "Département", EPCI: "EPCI", COMMUNE: "Commune",
};

export const ACTOR_KIND = {
  ASSOCIATION: "Association", COOPERATIVE: "Cooperative", MUTUAL: "Mutual", FOUNDATION: "Foundation",
  ESUS_COMPANY: "ESUS company", COMPANY: "Company", PUBLIC_BODY: "Public body", NETWORK: "Network", OTHER: "Other",
};

export const STATUS = {
  IDEA: "Idea", PLANNED: "Planned", ACTIVE: "Active", COMPLETED: "Completed", ABANDONED: "Abandoned",
};

export const ROLE = { LEAD: "lead", PARTNER: "partner", FUNDER: "funder", BENEFICIARY: "beneficiary" };

export const AREA = { URBAN: "Urban", RURAL: "Rural" };

export const KIND_PLURAL = { DEPARTMENT: "départements", EPCI: "EPCIs", COMMUNE: "communes" };

// The level whose gaps are worth showing under a territory of this kind.
export function gapLevelBelow(kind) {
  switch (kind) {
    case "DEPARTMENT": return "EPCI";
    case "EPCI":
    case "COMMUNE": return "COMMUNE";
    default: return "DEPARTMENT";
  }
}
