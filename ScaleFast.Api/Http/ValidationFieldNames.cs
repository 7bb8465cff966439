using System.Text.Json;

namespace ScaleFast.Api.Http;

/// <summary>
/// Names a validation problem's fields as the client wrote them. The built-in validation
/// (<c>AddValidation</c>) keys its errors by C# member path, <c>Lines[0].ProductId</c>; the JSON
/// body, and so the client, says <c>lines[0].productId</c>. Query parameters keep their names.
/// </summary>
internal static class ValidationFieldNames
{
    public static void UseJsonNames(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is HttpValidationProblemDetails validation)
        {
            validation.Errors = validation.Errors
                .GroupBy(error => JsonPath(error.Key))
                .ToDictionary(field => field.Key, field => field.SelectMany(error => error.Value).ToArray());
        }
    }

    private static string JsonPath(string memberPath) =>
        string.Join('.', memberPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}
