package schemacontract

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Severity ranks a schema change by what it does to existing clients.
type Severity int

const (
	// Safe changes (new types, fields, optional arguments, deprecations)
	// cannot break a valid client.
	Safe Severity = iota
	// Dangerous changes (new enum values or union members, changed default
	// values) break no query but can surprise exhaustive clients; they are
	// allowed once listed in the changelog.
	Dangerous
	// Breaking changes can make a valid client fail; they are allowed once
	// listed under "Breaking" in the changelog, and removals only of elements
	// that were @deprecated first.
	Breaking
)

func (s Severity) String() string {
	switch s {
	case Safe:
		return "addition"
	case Dangerous:
		return "dangerous"
	default:
		return "breaking"
	}
}

// Change is one difference between two schemas.
type Change struct {
	Severity Severity
	// Element names what changed, the way the changelog must name it:
	// "Type", "Type.field", "Type.field(arg)", "Enum.VALUE", "Input.field",
	// "Union.Member".
	Element string
	// Message says what happened, e.g. "field removed".
	Message string
	// NotDeprecated is set on removals of an element that was not
	// @deprecated in the old schema: those are refused whatever the changelog.
	NotDeprecated bool
}

func (c Change) String() string {
	s := fmt.Sprintf("%s: %s %s", c.Severity, c.Element, c.Message)
	if c.NotDeprecated {
		s += " (it was not @deprecated: deprecate first)"
	}
	return s
}

// Diff lists the changes from old to new, sorted by element. Built-in types
// and directive definitions are ignored; descriptions and field order are not
// part of the contract.
func Diff(old, new *ast.Schema) []Change {
	d := &differ{}
	for name, o := range old.Types {
		if o.BuiltIn {
			continue
		}
		n := new.Types[name]
		switch {
		case n == nil:
			d.add(Breaking, name, "type removed")
		case n.Kind != o.Kind:
			d.add(Breaking, name, fmt.Sprintf("kind changed from %s to %s", o.Kind, n.Kind))
		default:
			d.definition(o, n)
		}
	}
	for name, n := range new.Types {
		if !n.BuiltIn && old.Types[name] == nil {
			d.add(Safe, name, "type added")
		}
	}
	sort.SliceStable(d.changes, func(i, j int) bool { return d.changes[i].Element < d.changes[j].Element })
	return d.changes
}

type differ struct{ changes []Change }

func (d *differ) add(s Severity, element, message string) {
	d.changes = append(d.changes, Change{Severity: s, Element: element, Message: message})
}

// removed records the removal of a deprecable element.
func (d *differ) removed(element, what string, directives ast.DirectiveList) {
	d.changes = append(d.changes, Change{
		Severity: Breaking, Element: element, Message: what + " removed",
		NotDeprecated: directives.ForName("deprecated") == nil,
	})
}

func (d *differ) definition(o, n *ast.Definition) {
	switch o.Kind {
	case ast.Object, ast.Interface:
		for _, i := range o.Interfaces {
			if !slices.Contains(n.Interfaces, i) {
				d.add(Breaking, o.Name, "no longer implements "+i)
			}
		}
		for _, i := range n.Interfaces {
			if !slices.Contains(o.Interfaces, i) {
				d.add(Safe, o.Name, "now implements "+i)
			}
		}
		d.outputFields(o, n)
	case ast.InputObject:
		d.inputFields(o.Name, o.Fields, n.Fields)
	case ast.Enum:
		for _, v := range o.EnumValues {
			nv := n.EnumValues.ForName(v.Name)
			if nv == nil {
				d.removed(o.Name+"."+v.Name, "enum value", v.Directives)
			} else {
				d.deprecation(o.Name+"."+v.Name, v.Directives, nv.Directives)
			}
		}
		for _, v := range n.EnumValues {
			if o.EnumValues.ForName(v.Name) == nil {
				d.add(Dangerous, o.Name+"."+v.Name, "enum value added")
			}
		}
	case ast.Union:
		for _, t := range o.Types {
			if !slices.Contains(n.Types, t) {
				d.add(Breaking, o.Name+"."+t, "union member removed")
			}
		}
		for _, t := range n.Types {
			if !slices.Contains(o.Types, t) {
				d.add(Dangerous, o.Name+"."+t, "union member added")
			}
		}
	}
}

func (d *differ) outputFields(o, n *ast.Definition) {
	for _, of := range o.Fields {
		if isIntrospection(of.Name) {
			continue
		}
		el := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		if nf == nil {
			d.removed(el, "field", of.Directives)
			continue
		}
		if !outputCompatible(of.Type, nf.Type) {
			d.add(Breaking, el, fmt.Sprintf("type changed from %s to %s", of.Type, nf.Type))
		}
		d.deprecation(el, of.Directives, nf.Directives)
		d.arguments(el, of.Arguments, nf.Arguments)
	}
	for _, nf := range n.Fields {
		if !isIntrospection(nf.Name) && o.Fields.ForName(nf.Name) == nil {
			d.add(Safe, o.Name+"."+nf.Name, "field added")
		}
	}
}

// arguments diffs the arguments of one field; inputs follow the same rules
// as input object fields.
func (d *differ) arguments(field string, o, n ast.ArgumentDefinitionList) {
	var of, nf ast.FieldList
	for _, a := range o {
		of = append(of, argAsField(a))
	}
	for _, a := range n {
		nf = append(nf, argAsField(a))
	}
	d.inputs(field, "(", ")", "argument", of, nf)
}

func (d *differ) inputFields(typ string, o, n ast.FieldList) {
	d.inputs(typ, ".", "", "input field", o, n)
}

// inputs diffs values a client sends: removing one or making it required
// breaks clients, adding an optional one does not.
func (d *differ) inputs(parent, open, close, what string, o, n ast.FieldList) {
	for _, of := range o {
		el := parent + open + of.Name + close
		nf := n.ForName(of.Name)
		if nf == nil {
			d.removed(el, what, of.Directives)
			continue
		}
		switch {
		case !outputCompatible(nf.Type, of.Type): // inputs may only get looser
			d.add(Breaking, el, fmt.Sprintf("type changed from %s to %s", of.Type, nf.Type))
		case required(nf) && !required(of):
			d.add(Breaking, el, what+" made required (default value removed)")
		case defaultString(of) != defaultString(nf):
			d.add(Dangerous, el, fmt.Sprintf("default value changed from %s to %s", defaultString(of), defaultString(nf)))
		}
		d.deprecation(el, of.Directives, nf.Directives)
	}
	for _, nf := range n {
		if o.ForName(nf.Name) != nil {
			continue
		}
		el := parent + open + nf.Name + close
		if required(nf) {
			d.add(Breaking, el, "required "+what+" added")
		} else {
			d.add(Safe, el, "optional "+what+" added")
		}
	}
}

func (d *differ) deprecation(element string, o, n ast.DirectiveList) {
	if o.ForName("deprecated") == nil && n.ForName("deprecated") != nil {
		d.add(Safe, element, "deprecated")
	}
}

// outputCompatible reports whether a client reading values of type old can
// read values of type new: same shape, and new may only be stricter
// (non-null where old was nullable). Swapped, it tells whether a client
// sending old values can send them to new.
func outputCompatible(old, new *ast.Type) bool {
	if old.NonNull && !new.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, new.Elem)
	}
	return old.NamedType == new.NamedType
}

func required(f *ast.FieldDefinition) bool { return f.Type.NonNull && f.DefaultValue == nil }

func defaultString(f *ast.FieldDefinition) string {
	if f.DefaultValue == nil {
		return "none"
	}
	return f.DefaultValue.String()
}

func argAsField(a *ast.ArgumentDefinition) *ast.FieldDefinition {
	return &ast.FieldDefinition{Name: a.Name, Type: a.Type, DefaultValue: a.DefaultValue, Directives: a.Directives}
}

func isIntrospection(name string) bool { return strings.HasPrefix(name, "__") }
