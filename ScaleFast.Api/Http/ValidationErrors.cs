using Microsoft.AspNetCore.Http.HttpResults;

namespace ScaleFast.Api.Http;

/// <summary>Field errors collected by a request's validation, answered as one 400 ValidationProblem.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Adds an error unless <paramref name="value"/> has between <paramref name="min"/> and <paramref name="max"/> characters, none of them NUL.</summary>
    public void RequireLength(string field, string? value, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(value) && min > 0)
        {
            Add(field, "Required.");
        }
        else if (value is not null && (value.Length < min || value.Length > max))
        {
            Add(field, $"Must be {min} to {max} characters long.");
        }
        else if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            // Postgres text cannot hold it: caught here, it would be a 500 there.
            Add(field, "Must not contain NUL characters.");
        }
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: "The request has invalid fields.");
}
