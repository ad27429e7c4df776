// GraphQL documents of the dashboard. They stay well within the API limits:
// pages of at most 100, costs of a few hundred (see README "Protocol and
// limits").

export const THEMES = `query DashboardThemes {
  themes(first: 100, orderBy: {field: LABEL}) {
    edges { node { id label parent { id } } }
  }
}`;

// The territory box: the API's search by name (accent- and case-insensitive,
// the last word as a prefix) and, when the text looks like an official code,
// the territories with that exact code and the most populated ones whose code
// starts with it. The page merges and orders them (see suggest.js).
export const TERRITORY_SEARCH = `query DashboardTerritorySearch($q: String!, $code: String!, $byCode: Boolean!) {
  search(query: $q, types: [TERRITORY], first: 50) {
    totalCount
    edges { rank score node { ... on Territory { id kind code name population } } }
  }
  exactCode: territories(first: 10, where: {code: $code, kindIn: [REGION, DEPARTMENT, EPCI, COMMUNE]}) @include(if: $byCode) {
    edges { node { id kind code name population } }
  }
  codePrefix: territories(first: 10, orderBy: {field: POPULATION, direction: DESC},
    where: {codeHasPrefix: $code, kindIn: [REGION, DEPARTMENT, EPCI, COMMUNE]}) @include(if: $byCode) {
    totalCount
    edges { node { id kind code name population } }
  }
}`;

export const TERRITORY = `query DashboardTerritory($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Territory { id kind code name } }
}`;

// One request for every figure of a filter: the three initiative groupings,
// the actor total, the coverage gaps and the selected territory's card.
export const FIGURES = `query DashboardFigures($where: InitiativeWhereInput, $actorWhere: ActorWhereInput,
    $within: ID, $places: [ID!]!, $gapLevel: TerritoryKind!, $theme: ID, $area: Area) {
  byDepartment: initiativeStats(where: $where, groupBy: [TERRITORY_DEPARTMENT]) {
    total
    buckets { count keys { value territory { id code name } } }
  }
  byArea: initiativeStats(where: $where, groupBy: [AREA]) {
    total
    buckets { count keys { area } }
  }
  byYear: initiativeStats(where: $where, groupBy: [START_YEAR]) {
    buckets { count keys { startYear } }
  }
  actors: actorStats(where: $actorWhere, groupBy: [ACTOR_KIND]) {
    total
    buckets { count keys { actorKind } }
  }
  gaps: coverageGaps(level: $gapLevel, within: $within, theme: $theme, area: $area, first: 10) {
    population
    territory { id kind code name area }
  }
  places: nodes(ids: $places) {
    ... on Territory {
      id kind code name population area ruralPopulationShare
      indicators(first: 50, orderBy: {field: NAME}) {
        edges { node { id name value unit year source } }
      }
    }
  }
}`;

export const INITIATIVES = `query DashboardInitiatives($where: InitiativeWhereInput, $after: Cursor) {
  initiatives(first: 20, after: $after, where: $where, orderBy: {field: TITLE}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title status startDate
      territories(first: 5) { totalCount edges { node { id kind code name } } }
      themes(first: 5) { edges { node { id label } } }
      participations(first: 10) {
        totalCount
        edges { node { role actor { id name kind } } }
      }
    } }
  }
}`;

export const NETWORK = `query DashboardNetwork($filter: NetworkFilter, $limit: Int) {
  actorNetwork(filter: $filter, limit: $limit) {
    truncated totalNodes
    nodes { degree betweenness community actor { id name kind } }
    edges { source target weight kinds }
  }
}`;
