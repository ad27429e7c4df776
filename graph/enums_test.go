package graph

import (
	"bytes"
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/area"
)

// asMarshalers lists enum values as the marshallers they are.
func asMarshalers[T graphql.Marshaler](values ...T) []graphql.Marshaler {
	out := make([]graphql.Marshaler, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// Every enum whose marshaller graph/gqlgen.go rewrote to enumValue writes
// what its own MarshalGQL writes, for its values; and every such enum is
// listed here, so that a new one (whose MarshalGQL could map its values) is
// checked too.
func TestEnumValueWritesAsTheEnumsOwnMarshaller(t *testing.T) {
	enums := map[string][]graphql.Marshaler{
		"actor.Kind":                 asMarshalers(actor.KindASSOCIATION, actor.KindESUS_COMPANY, actor.KindPUBLIC_BODY),
		"actorrelation.Kind":         asMarshalers(actorrelation.KindMEMBER_OF, actorrelation.KindAGREEMENT_WITH),
		"initiative.Status":          asMarshalers(initiative.StatusIDEA, initiative.StatusABANDONED),
		"participation.Role":         asMarshalers(participation.RoleLEAD, participation.RoleBENEFICIARY),
		"territory.Kind":             asMarshalers(territory.KindCOUNTRY, territory.KindEPCI, territory.KindCOMMUNE),
		"area.Area":                  asMarshalers(area.Urban, area.Rural),
		"entgql.OrderDirection":      asMarshalers(entgql.OrderDirectionAsc, entgql.OrderDirectionDesc),
		"model.ActorDimension":       asMarshalers(model.AllActorDimension...),
		"model.InitiativeDimension":  asMarshalers(model.AllInitiativeDimension...),
		"model.LinkKind":             asMarshalers(model.AllLinkKind...),
		"model.MetricScope":          asMarshalers(model.AllMetricScope...),
		"model.SearchType":           asMarshalers(model.AllSearchType...),
		"model.SuggestionReasonKind": asMarshalers(model.AllSuggestionReasonKind...),
	}
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	rewritten := regexp.MustCompile(`v ([\w.]+)\) graphql\.Marshaler \{\n\treturn enumValue\(v\)\n`).FindAllSubmatch(src, -1)
	var types []string
	for _, m := range rewritten {
		types = append(types, string(m[1]))
	}
	var listed []string
	for name := range enums {
		listed = append(listed, name)
	}
	slices.Sort(types)
	slices.Sort(listed)
	if !slices.Equal(types, listed) {
		t.Fatalf("enums marshalled by enumValue in generated.go:\n%v\nlisted in this test:\n%v", types, listed)
	}
	for name, values := range enums {
		for _, v := range values {
			var own, ours bytes.Buffer
			v.MarshalGQL(&own)
			enumValue(reflect.ValueOf(v).String()).MarshalGQL(&ours)
			if ours.String() != own.String() {
				t.Errorf("%s %v: enumValue writes %s, its MarshalGQL %s", name, v, ours.String(), own.String())
			}
		}
	}
}
