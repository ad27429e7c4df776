package exchange

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/predicate"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/area"
	places "github.com/essaim/essaim/internal/territory"
)

// Filter narrows an export with the filters of the lists: area, a territory
// (within it or covering it), a theme, and the kind of actors or the status
// of initiatives. The zero Filter exports everything.
type Filter struct {
	Area     string // URBAN or RURAL
	Within   string // kind:code — in this territory, at any depth
	Covering string // kind:code — applies to this territory
	Theme    string // theme slug
	Kind     string // actors: ActorKind
	Status   string // initiatives: InitiativeStatus
}

// FilterError is a filter that cannot apply: a bad value or an unknown
// territory or theme.
type FilterError struct{ Param, Message string }

func (e *FilterError) Error() string { return e.Param + ": " + e.Message }

// FilterParams are the query parameters of /export that make a Filter.
var FilterParams = []string{"area", "within", "covering", "theme", "kind", "status"}

// FilterFromQuery reads a Filter from URL query parameters.
func FilterFromQuery(q url.Values) Filter {
	return Filter{Area: q.Get("area"), Within: q.Get("within"), Covering: q.Get("covering"),
		Theme: q.Get("theme"), Kind: q.Get("kind"), Status: q.Get("status")}
}

// maxFilterValue bounds a filter value: codes and slugs are short.
const maxFilterValue = 1000

// checkText refuses values no territory or theme can match and PostgreSQL
// refuses outright (NUL, bytes that are not UTF-8): a FilterError, not a
// database error.
func (f Filter) checkText() error {
	for _, p := range []struct{ param, value string }{{"area", f.Area}, {"within", f.Within},
		{"covering", f.Covering}, {"theme", f.Theme}, {"kind", f.Kind}, {"status", f.Status}} {
		switch {
		case len(p.value) > maxFilterValue:
			return &FilterError{p.param, fmt.Sprintf("longer than %d bytes", maxFilterValue)}
		case !utf8.ValidString(p.value) || strings.IndexByte(p.value, 0) >= 0:
			return &FilterError{p.param, "not UTF-8 text, or contains a NUL character"}
		}
	}
	return nil
}

// filterSets resolves the territory parts of a filter to territory sets.
func (f Filter) sets(ctx context.Context, client *ent.Client) ([]places.Set, error) {
	if err := f.checkText(); err != nil {
		return nil, err
	}
	var sets []places.Set
	if f.Area != "" {
		a := area.Area(strings.ToUpper(f.Area))
		if a != area.Urban && a != area.Rural {
			return nil, &FilterError{"area", fmt.Sprintf("%q is not URBAN or RURAL", f.Area)}
		}
		sets = append(sets, places.InArea(a))
	}
	r := newRefs(client)
	for _, p := range []struct {
		param, value string
		set          func(int) places.Set
	}{{"within", f.Within, places.Within}, {"covering", f.Covering, places.Covering}} {
		if p.value == "" {
			continue
		}
		ref, err := parseTerritoryRef(p.value)
		if err != nil {
			return nil, &FilterError{p.param, err.Error()}
		}
		id, err := r.territory(ctx, ref)
		if err != nil {
			return nil, err
		}
		if id == 0 {
			return nil, &FilterError{p.param, fmt.Sprintf("no territory %s", ref)}
		}
		sets = append(sets, p.set(id))
	}
	return sets, nil
}

func (f Filter) checkTheme(ctx context.Context, client *ent.Client) error {
	if f.Theme == "" {
		return nil
	}
	ok, err := client.Theme.Query().Where(theme.Slug(f.Theme)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &FilterError{"theme", fmt.Sprintf("no theme has slug %q", f.Theme)}
	}
	return nil
}

func (f Filter) actorPredicates(ctx context.Context, client *ent.Client) ([]predicate.Actor, error) {
	sets, err := f.sets(ctx, client)
	if err != nil {
		return nil, err
	}
	if err := f.checkTheme(ctx, client); err != nil {
		return nil, err
	}
	if f.Status != "" {
		return nil, &FilterError{"status", "actors have no status: use kind"}
	}
	var ps []predicate.Actor
	for _, s := range sets {
		ps = append(ps, places.Actors(s))
	}
	if f.Theme != "" {
		ps = append(ps, actor.HasThemesWith(theme.Slug(f.Theme)))
	}
	if f.Kind != "" {
		k := actor.Kind(strings.ToUpper(f.Kind))
		if actor.KindValidator(k) != nil {
			return nil, &FilterError{"kind", fmt.Sprintf("%q is not one of %s", f.Kind, actorKinds)}
		}
		ps = append(ps, actor.KindEQ(k))
	}
	return ps, nil
}

func (f Filter) initiativePredicates(ctx context.Context, client *ent.Client) ([]predicate.Initiative, error) {
	sets, err := f.sets(ctx, client)
	if err != nil {
		return nil, err
	}
	if err := f.checkTheme(ctx, client); err != nil {
		return nil, err
	}
	if f.Kind != "" {
		return nil, &FilterError{"kind", "initiatives have no kind: use status"}
	}
	var ps []predicate.Initiative
	for _, s := range sets {
		ps = append(ps, places.Initiatives(s))
	}
	if f.Theme != "" {
		ps = append(ps, initiative.HasThemesWith(theme.Slug(f.Theme)))
	}
	if f.Status != "" {
		s := initiative.Status(strings.ToUpper(f.Status))
		if initiative.StatusValidator(s) != nil {
			return nil, &FilterError{"status", fmt.Sprintf("%q is not one of %s", f.Status, statuses)}
		}
		ps = append(ps, initiative.StatusEQ(s))
	}
	return ps, nil
}
