#include "curator/sdc/merge.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "curator/sdc/equality.hpp"

namespace curator::sdc {
namespace {

// Statements of one property, in the order the property first appeared. The
// property is a copy: the statements of `existing` are moved out while the
// groups are still consulted.
template <class S>
struct PropertyGroup {
  std::string property;
  std::vector<S*> statements;
};

template <class S, class Vector>
std::vector<PropertyGroup<S>> group_by_property(Vector& statements) {
  std::vector<PropertyGroup<S>> groups;
  for (auto& s : statements) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const PropertyGroup<S>& g) { return g.property == s.property(); });
    if (it == groups.end()) {
      groups.push_back(PropertyGroup<S>{s.property(), {}});
      it = std::prev(groups.end());
    }
    it->statements.push_back(&s);
  }
  return groups;
}

template <class S>
const PropertyGroup<S>* find_group(const std::vector<PropertyGroup<S>>& groups,
                                   std::string_view property) {
  for (const auto& g : groups) {
    if (g.property == property) return &g;
  }
  return nullptr;
}

// The rule is about the value's type, not the property: whatever property
// holds a coordinate, an existing one is never touched.
bool holds_coordinate(const Statement& s) {
  return s.main_snak.type == SnakType::value && s.main_snak.value &&
         datavalue_type(*s.main_snak.value) == "globecoordinate";
}

bool has_qualifier(const Statement& s, const Snak& snak) {
  for (const auto& existing : s.qualifiers_of(snak.property)) {
    if (snaks_equal(existing, snak)) return true;
  }
  return false;
}

// Adds the qualifiers and references of `incoming` that `target` lacks.
// Existing snaks keep their hashes; `qualifiers-order` gains new properties
// at its end. Returns whether anything was added.
bool absorb(Statement& target, const Statement& incoming) {
  bool changed = false;
  for (const auto& group : incoming.qualifiers) {
    for (const auto& snak : group.snaks) {
      if (has_qualifier(target, snak)) continue;
      target.add_qualifier(snak);
      changed = true;
    }
  }
  for (const auto& reference : incoming.references) {
    const bool known =
        std::any_of(target.references.begin(), target.references.end(),
                    [&](const Reference& r) { return references_equal(r, reference); });
    if (known) continue;
    target.references.push_back(reference);
    changed = true;
  }
  return changed;
}

// Upstream's `safe_merge_statement`: the first existing statement with an
// equal main snak absorbs the new one; without one, the new statement is
// dropped (a conflicting value is never added next to an existing one).
void fold(std::vector<Statement>& list, std::vector<bool>& changed, const Statement& incoming) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!snaks_equal(list[i].main_snak, incoming.main_snak)) continue;
    if (absorb(list[i], incoming)) changed[i] = true;
    return;
  }
  if (list.empty()) {
    list.push_back(incoming);
    changed.push_back(true);
  }
}

void append(MergeResult& out, std::vector<Statement>&& list, const std::vector<bool>& changed) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (changed[i]) out.changed.push_back(out.statements.size());
    out.statements.push_back(std::move(list[i]));
  }
}

bool usable(const std::optional<Label>& label) {
  return label && !label->language.empty() && !label->value.empty();
}

}  // namespace

MergeResult merge_statements(std::vector<Statement> existing,
                             const std::vector<Statement>& incoming) {
  MergeResult out;
  out.statements.reserve(existing.size() + incoming.size());
  const auto old_groups = group_by_property<Statement>(existing);
  const auto new_groups = group_by_property<const Statement>(incoming);

  for (const auto& group : old_groups) {
    std::vector<Statement> list;
    list.reserve(group.statements.size());
    for (auto* s : group.statements)
      list.push_back(std::move(*s));
    std::vector<bool> changed(list.size(), false);
    const auto* fresh = find_group(new_groups, group.property);
    const bool frozen = std::any_of(list.begin(), list.end(), holds_coordinate);
    if (fresh != nullptr && !frozen) {
      for (const auto* s : fresh->statements)
        fold(list, changed, *s);
    }
    append(out, std::move(list), changed);
  }

  for (const auto& group : new_groups) {
    if (find_group(old_groups, group.property) != nullptr) continue;
    for (const auto* s : group.statements) {
      out.changed.push_back(out.statements.size());
      out.statements.push_back(*s);
      // An id names a statement of another entity (or none): Wikibase must
      // create this one.
      out.statements.back().id.reset();
    }
  }
  return out;
}

MergeResult merge(std::optional<Entity> existing, const StructuredData& incoming) {
  MergeResult out;
  if (existing) {
    out = merge_statements(std::move(existing->statements), incoming.statements);
  } else {
    out.statements = incoming.statements;
    for (std::size_t i = 0; i < out.statements.size(); ++i) {
      out.statements[i].id.reset();
      out.changed.push_back(i);
    }
  }
  // A caption already there in that language is the community's (or an
  // earlier upload's): it is never replaced.
  if (usable(incoming.label) &&
      (!existing || !existing->label(incoming.label->language).has_value())) {
    out.label = incoming.label;
  }
  return out;
}

}  // namespace curator::sdc
