// tekton-validate checks Tekton resources with Tekton's own Go validation, as the admission webhook
// of a cluster would: every YAML document is decoded strictly (an unknown field is an error, as
// `kubectl apply --validate=strict` makes it), defaulted, then validated by the pinned
// github.com/tektoncd/pipeline module (go.mod). It also checks what Tekton only finds when a
// PipelineRun starts: every param a Pipeline passes to a Task given in the same run of this
// program is declared by that Task (Tekton drops undeclared ones silently), every param without a
// default is passed, and every workspace bound is declared and every required one bound.
//
// Usage: tekton-validate FILE... (exit 0: all valid; 1: a document is invalid; 2: usage or I/O).
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"knative.dev/pkg/apis"
	"sigs.k8s.io/yaml"
)

type document struct {
	file  string
	index int
	kind  string
	name  string
	raw   []byte
}

type meta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// validatable is what every Tekton v1 resource implements.
type validatable interface {
	SetDefaults(context.Context)
	Validate(context.Context) *apis.FieldError
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tekton-validate FILE...")
		os.Exit(2)
	}
	var docs []document
	for _, file := range os.Args[1:] {
		found, err := readDocuments(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		docs = append(docs, found...)
	}
	ctx := apis.WithinCreate(context.Background())
	tasks := map[string]*v1.Task{}
	var pipelines []*v1.Pipeline
	failed := false
	report := func(d document, err error) {
		if err != nil {
			failed = true
			fmt.Printf("INVALID %s#%d %s/%s: %v\n", d.file, d.index, d.kind, d.name, err)
		} else {
			fmt.Printf("ok %s#%d %s/%s\n", d.file, d.index, d.kind, d.name)
		}
	}
	for _, d := range docs {
		obj, err := decode(d)
		if err != nil {
			report(d, err)
			continue
		}
		obj.SetDefaults(ctx)
		if fe := obj.Validate(ctx); fe != nil {
			report(d, fe)
			continue
		}
		report(d, nil)
		switch o := obj.(type) {
		case *v1.Task:
			tasks[o.Name] = o
		case *v1.Pipeline:
			pipelines = append(pipelines, o)
		}
	}
	for _, p := range pipelines {
		for _, pt := range append(append([]v1.PipelineTask{}, p.Spec.Tasks...), p.Spec.Finally...) {
			if pt.TaskRef == nil || pt.TaskRef.Resolver != "" {
				continue
			}
			task, ok := tasks[pt.TaskRef.Name]
			if !ok {
				continue
			}
			for _, problem := range bindingProblems(pt, &task.Spec) {
				failed = true
				fmt.Printf("INVALID Pipeline/%s task %s → Task/%s: %s\n", p.Name, pt.Name, task.Name, problem)
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}

func readDocuments(file string) ([]document, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var docs []document
	for i, part := range bytes.Split(data, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(part))) == 0 {
			continue
		}
		var m meta
		if err := yaml.Unmarshal(part, &m); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		docs = append(docs, document{file: file, index: i, kind: m.Kind, name: m.Metadata.Name, raw: part})
	}
	return docs, nil
}

func stripComments(b []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// decode reads one document strictly into its Tekton v1 type.
func decode(d document) (validatable, error) {
	var m meta
	if err := yaml.Unmarshal(d.raw, &m); err != nil {
		return nil, err
	}
	if m.APIVersion != "tekton.dev/v1" {
		return nil, fmt.Errorf("apiVersion %q: only tekton.dev/v1 is checked", m.APIVersion)
	}
	var obj validatable
	switch m.Kind {
	case "Task":
		obj = &v1.Task{}
	case "Pipeline":
		obj = &v1.Pipeline{}
	case "PipelineRun":
		obj = &v1.PipelineRun{}
	case "TaskRun":
		obj = &v1.TaskRun{}
	default:
		return nil, fmt.Errorf("kind %q is not a Tekton v1 resource this program checks", m.Kind)
	}
	if err := yaml.UnmarshalStrict(d.raw, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// bindingProblems: what a PipelineRun would silently drop or refuse when this task runs.
func bindingProblems(pt v1.PipelineTask, spec *v1.TaskSpec) []string {
	var problems []string
	declared := map[string]v1.ParamSpec{}
	for _, p := range spec.Params {
		declared[p.Name] = p
	}
	passed := map[string]bool{}
	for _, p := range pt.Params {
		passed[p.Name] = true
		if _, ok := declared[p.Name]; !ok {
			problems = append(problems, fmt.Sprintf("param %s is not declared by the Task: Tekton would drop it", p.Name))
		}
	}
	if pt.Matrix != nil {
		for _, p := range pt.Matrix.GetAllParams() {
			passed[p.Name] = true
		}
	}
	var missing []string
	for name, p := range declared {
		if p.Default == nil && !passed[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		problems = append(problems, "params without a default not passed: "+strings.Join(missing, ", "))
	}
	workspaces := map[string]v1.WorkspaceDeclaration{}
	for _, w := range spec.Workspaces {
		workspaces[w.Name] = w
	}
	bound := map[string]bool{}
	for _, w := range pt.Workspaces {
		bound[w.Name] = true
		if _, ok := workspaces[w.Name]; !ok {
			problems = append(problems, fmt.Sprintf("workspace %s is not declared by the Task", w.Name))
		}
	}
	for name, w := range workspaces {
		if !w.Optional && !bound[name] {
			problems = append(problems, fmt.Sprintf("required workspace %s is not bound", name))
		}
	}
	return problems
}
