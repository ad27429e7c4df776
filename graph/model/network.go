package model

import (
	"github.com/essaim/essaim/ent"
)

// Hand-written models of graph/network.graphqls: they keep the IDs their
// field resolvers need.

type ActorLinkEdge struct {
	Cursor              ent.Cursor
	Node                *ent.Actor
	Relations           []*ent.ActorRelation
	SharedThemes        []*ent.Theme
	Weight              int
	SharedInitiativeIDs []int
}

type ActorLinkConnection struct {
	Edges      []*ActorLinkEdge
	PageInfo   *ent.PageInfo
	TotalCount int
}

type ActorNetworkMetrics struct {
	Degree           int
	WeightedDegree   int
	Betweenness      float64
	BetweennessScope MetricScope
	Community        int
}

type CommonPartner struct {
	Actor    *ent.Actor
	LinkedTo []*ent.Actor
	Weight   int
}

type PathHop struct {
	From              *ent.Actor
	To                *ent.Actor
	Relations         []*ent.ActorRelation
	SharedInitiatives []*ent.Initiative
}

type ActorPath struct {
	Length int
	Actors []*ent.Actor
	Hops   []*PathHop
}

type NetworkNode struct {
	Actor       *ent.Actor
	Degree      int
	Betweenness float64
	Community   int
}

type NetworkEdge struct {
	Source int
	Target int
	Weight int
	Kinds  []LinkKind
}

type ActorNetwork struct {
	Nodes      []*NetworkNode
	Edges      []*NetworkEdge
	Truncated  bool
	TotalNodes int
}

type SuggestionReason struct {
	Kind        SuggestionReasonKind
	Description string
	Actors      []*ent.Actor
	Themes      []*ent.Theme
	Territories []*ent.Territory
}

type PartnerSuggestion struct {
	Actor   *ent.Actor
	Score   float64
	Reasons []*SuggestionReason
}
