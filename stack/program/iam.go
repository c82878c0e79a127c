package program

import (
	"encoding/json"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// statement is one Allow statement of an identity policy. Resources may be
// outputs of other resources; Condition is plain JSON.
type statement struct {
	Sid       string
	Actions   []string
	Resources []pulumi.StringInput
	Condition map[string]map[string]any
}

type policyDoc struct {
	Version   string       `json:"Version"`
	Statement []policyStmt `json:"Statement"`
}

type policyStmt struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// anyResource is "*": only for actions that AWS does not scope to a
// resource (ecr:GetAuthorizationToken, ssmmessages:*Channel, describes).
var anyResource = pulumi.String("*")

func strs(ss ...string) []pulumi.StringInput {
	out := make([]pulumi.StringInput, len(ss))
	for i, s := range ss {
		out[i] = pulumi.String(s)
	}
	return out
}

// policyDocument renders statements as a policy JSON once every resource is known.
func policyDocument(stmts []statement) pulumi.StringOutput {
	var ins []any
	for _, s := range stmts {
		for _, r := range s.Resources {
			ins = append(ins, r)
		}
	}
	return pulumi.All(ins...).ApplyT(func(vals []any) (string, error) {
		doc := policyDoc{Version: "2012-10-17"}
		i := 0
		for _, s := range stmts {
			seen := map[string]bool{}
			var res []string
			for range s.Resources {
				v, _ := vals[i].(string)
				i++
				if v != "" && !seen[v] {
					seen[v] = true
					res = append(res, v)
				}
			}
			if len(res) == 0 {
				continue // e.g. an optional resource that does not exist
			}
			sort.Strings(res)
			actions := append([]string(nil), s.Actions...)
			sort.Strings(actions)
			doc.Statement = append(doc.Statement, policyStmt{Sid: s.Sid, Effect: "Allow", Action: actions, Resource: res, Condition: s.Condition})
		}
		b, err := json.Marshal(doc)
		return string(b), err
	}).(pulumi.StringOutput)
}

// trustPolicy lets one AWS service assume a role; services that support it
// are held to this account (confused-deputy protection).
func (p *platform) trustPolicy(service string) string {
	st := policyStmt{
		Effect:    "Allow",
		Principal: map[string]any{"Service": p.n.servicePrincipal(service)},
		Action:    []string{"sts:AssumeRole"},
	}
	switch service {
	case "ecs-tasks", "codebuild", "codepipeline", "codedeploy", "scheduler":
		st.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": p.n.account}}
	}
	b, _ := json.Marshal(policyDoc{Version: "2012-10-17", Statement: []policyStmt{st}})
	return string(b)
}

// roleSpec is one IAM role: who assumes it, and what it may do.
type roleSpec struct {
	logical    string // logical name; children add -policy and -<n>
	name       string // physical name
	service    string // the service that assumes it, e.g. ecs-tasks
	statements []statement
	managed    []string // AWS managed policy ARNs (never *FullAccess)
	desc       string
}

// grantedRole is a role with the resources that grant its permissions, for
// consumers that check the permissions when they are created.
type grantedRole struct {
	*iam.Role
	grants []pulumi.Resource
}

// ready is what a consumer of the role waits for.
func (g *grantedRole) ready() pulumi.ResourceOption {
	return pulumi.DependsOn(append([]pulumi.Resource{g.Role}, g.grants...))
}

// role creates a role, its inline policy and its managed policy attachments
// as children of parent.
func (p *platform) role(parent pulumi.Resource, r roleSpec) (*grantedRole, error) {
	role, err := iam.NewRole(p.ctx, r.logical, &iam.RoleArgs{
		Name:             pulumi.String(r.name),
		Description:      pulumi.String(r.desc),
		AssumeRolePolicy: pulumi.String(p.trustPolicy(r.service)),
		Tags:             p.tags(r.name),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	g := &grantedRole{Role: role}
	if len(r.statements) > 0 {
		pol, err := iam.NewRolePolicy(p.ctx, r.logical+"-policy", &iam.RolePolicyArgs{
			Name:   pulumi.String("ecsdeck"),
			Role:   role.Name,
			Policy: policyDocument(r.statements),
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		g.grants = append(g.grants, pol)
	}
	for i, arn := range r.managed {
		att, err := iam.NewRolePolicyAttachment(p.ctx, r.logical+"-managed-"+itoa(i+1), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		g.grants = append(g.grants, att)
	}
	return g, nil
}

// passRole lets a principal hand roles to one service only.
func passRole(service string, roles ...pulumi.StringInput) statement {
	return statement{
		Sid:       "PassRoles",
		Actions:   []string{"iam:PassRole"},
		Resources: roles,
		Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": service}},
	}
}
